// Moderation through its HTTP contract and the built server: moderators' accounts, the moderation
// state, pauses holding on hearts and orders, and the export of the chat with its record.
import { describe, expect, it } from 'vitest'
import { adminToken, api, baseURL } from '../support/api'
import { TestSocket } from '../support/socket'

const unique = () => Math.random().toString(36).slice(2, 10)
const shipping = { name: 'Ann', email: 'ann@example.com', address: '1 Rue de la Paix, Paris' }

async function liveShow(title: string) {
  const { livestream } = (await api('/api/livestreams', { token: adminToken(), body: { title, quality: '480p' } })).body
  await api(`/api/livestreams/${livestream.id}/start`, { method: 'POST', token: adminToken() })
  return livestream.id as string
}

async function newModerator() {
  const email = `mod-${unique()}@example.com`
  const made = await api('/api/moderators', { token: adminToken(), body: { email, password: 'moderate-well', displayName: 'Mo' } })
  expect(made.status).toBe(201)
  const login = await api('/api/auth/login', { body: { email, password: 'moderate-well' } })
  return { user: made.body.user, token: login.body.token as string, email }
}

async function guest(name: string) {
  return (await api('/api/auth/guest', { body: { displayName: name } })).body as { token: string, user: { id: string } }
}

async function inRoom(livestreamId: string, token?: string) {
  const socket = await TestSocket.open({ base: baseURL(), token })
  socket.send({ type: 'register', livestreamId, sessionId: `session-${unique()}` })
  await socket.next('registered')
  return socket
}

describe('moderators', () => {
  it('are accounts the admin makes, lists and removes; a removed one is signed out at once', async () => {
    const { user, token, email } = await newModerator()
    expect(user).toMatchObject({ role: 'moderator', displayName: 'Mo', email })
    expect(user.passwordHash).toBeUndefined()
    expect((await api('/api/auth/me', { token })).body.user).toMatchObject({ id: user.id, role: 'moderator' })
    expect((await api('/api/moderators', { token: adminToken() })).body.items.map((item: { id: string }) => item.id)).toContain(user.id)

    expect((await api('/api/moderators', { token: adminToken(), body: { email, password: 'another-one', displayName: 'Again' } })).status).toBe(409)
    expect((await api('/api/moderators', { token: adminToken(), body: { email: 'not-an-email', password: 'x', displayName: '' } })).status).toBe(400)
    // Only the admin manages them: not a moderator, not a customer, not a stranger.
    const ann = await guest('Ann')
    for (const who of [token, ann.token, undefined]) {
      expect((await api('/api/moderators', { token: who })).status).toBeGreaterThanOrEqual(401)
      expect((await api('/api/moderators', { token: who, body: { email: `x-${unique()}@example.com`, password: 'password1', displayName: 'X' } })).status).toBeGreaterThanOrEqual(401)
      expect((await api(`/api/moderators/${user.id}`, { method: 'DELETE', token: who })).status).toBeGreaterThanOrEqual(401)
    }
    // A customer is not a moderator to remove.
    expect((await api(`/api/moderators/${ann.user.id}`, { method: 'DELETE', token: adminToken() })).status).toBe(404)

    expect((await api(`/api/moderators/${user.id}`, { method: 'DELETE', token: adminToken() })).status).toBe(204)
    expect((await api('/api/auth/me', { token })).status).toBe(401)
    expect((await api(`/api/moderators/${user.id}`, { method: 'DELETE', token: adminToken() })).status).toBe(404)
    expect((await api('/api/auth/login', { body: { email, password: 'moderate-well' } })).status).toBe(401)
  })
})

describe('a show\'s moderation', () => {
  it('is read by its admins and moderators only', async () => {
    const id = await liveShow('Moderation state')
    const { token } = await newModerator()
    for (const who of [adminToken(), token]) {
      const state = await api(`/api/livestreams/${id}/moderation`, { token: who })
      expect(state.status).toBe(200)
      expect(state.body).toEqual({ actions: [], held: [], bans: [], settings: { slowModeSeconds: 0, blockedWords: [], holdLinks: false } })
    }
    expect((await api(`/api/livestreams/${id}/moderation`, { token: (await guest('Nosy')).token })).status).toBe(403)
    expect((await api(`/api/livestreams/${id}/moderation`)).status).toBe(401)
    expect((await api('/api/livestreams/ffffffffffffffffffffffff/moderation', { token })).status).toBe(404)
  })

  it('pauses a customer\'s hearts and orders as well as their chat, in this show only', async () => {
    const id = await liveShow('Paused buyer')
    const other = await liveShow('Another show')
    const { product } = (await api('/api/products', { token: adminToken(), body: { name: 'Lip oil', priceCents: 1800, currency: 'EUR', stock: 20 } })).body
    const { token } = await newModerator()
    const mod = await inRoom(id, token)
    const ann = await guest('Ann')
    const bob = await guest('Bob')
    mod.send({ type: 'mod_timeout', userId: ann.user.id, seconds: 600 })
    expect((await mod.next('moderation_action')).action).toMatchObject({ action: 'timeout', target: { id: ann.user.id } })

    const heart = await api(`/api/livestreams/${id}/like`, { token: ann.token, body: { count: 3 } })
    expect(heart.status).toBe(403)
    expect(heart.body.message).toMatch(/paused you: you can send hearts again in 10 minutes/)
    const order = await api('/api/orders', { token: ann.token, body: { livestreamId: id, items: [{ productId: product.id, quantity: 1 }], shipping } })
    expect(order.status).toBe(403)
    // Nothing was taken or counted.
    expect((await api(`/api/products/${product.id}`)).body.product.stock).toBe(20)
    expect((await api(`/api/livestreams/${id}`)).body.livestream.likes).toBe(0)
    // Others in this show, and Ann in another show, are not paused.
    expect((await api(`/api/livestreams/${id}/like`, { token: bob.token, body: { count: 1 } })).status).toBe(200)
    expect((await api(`/api/livestreams/${other}/like`, { token: ann.token, body: { count: 1 } })).status).toBe(200)
    expect((await api('/api/orders', { token: ann.token, body: { livestreamId: other, items: [{ productId: product.id, quantity: 1 }], shipping } })).status).toBe(201)

    const state = (await api(`/api/livestreams/${id}/moderation`, { token })).body
    expect(state.bans).toEqual([expect.objectContaining({ kind: 'timeout', user: { id: ann.user.id, displayName: 'Ann' }, by: expect.objectContaining({ displayName: 'Mo' }) })])
    mod.close()
  })

  it('exports the chat with every action as CSV, safe to open in a spreadsheet', async () => {
    const id = await liveShow('Export, "quoted"')
    const ann = await guest('Ann')
    const annSocket = await inRoom(id, ann.token)
    const admin = await inRoom(id, adminToken())
    annSocket.send({ type: 'chat_message', message: '=HYPERLINK("http://evil")' })
    const formula = await admin.next('chat_message')
    annSocket.send({ type: 'chat_message', message: 'a line, with a comma\nand a newline' })
    await admin.next('chat_message', frame => frame.id !== formula.id)
    admin.send({ type: 'chat_delete', messageId: formula.id })
    await admin.next('moderation_action')

    const response = await fetch(`${baseURL()}/api/livestreams/${id}/chat/export`, { headers: { authorization: `Bearer ${adminToken()}` } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="export-quoted-chat.csv"')
    const rows = (await response.text()).trimEnd().split('\r\n')
    expect(rows[0]).toBe('kind,time,name,user id,role,message or action,status or target,details,message id')
    expect(rows[1]).toContain(`,Ann,${ann.user.id},customer,"'=HYPERLINK(""http://evil"")",deleted,,${formula.id}`)
    expect(rows.join('\n')).toContain('"a line, with a comma\nand a newline",shown')
    expect(rows.at(-1)).toMatch(/^action,.*,WrenCos Studio,.*,moderator,delete,Ann,.*HYPERLINK/)
    expect((await api(`/api/livestreams/${id}/chat/export`, { token: ann.token })).status).toBe(403)
    annSocket.close()
    admin.close()
  })
})
