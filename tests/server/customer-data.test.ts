// A customer's data on request (PROTOCOL.md, "Operations"): the admin exports everything the shop
// holds about a customer who chatted, clicked and ordered, then erases it, and every store keeps
// what it must (the orders, anonymized; the chat, as from "Deleted user") and nothing of them.
// Runs on the shared server's store: SQLite here, MongoDB in the GitHub workflow.
import { afterAll, describe, expect, it } from 'vitest'
import { adminToken, api, createProduct, liveStream } from '../support/api'
import { TestSocket } from '../support/socket'

const sockets: TestSocket[] = []
afterAll(() => sockets.forEach(socket => socket.close()))
const admin = () => ({ token: adminToken() })
const shipping = { name: 'Ada Lovelace', email: 'ada.ship@example.com', address: '12 Rue des Lilas, 69001 Lyon' }

/** A registered customer who chatted in a live show, looked at a pinned product and bought it. */
async function activeCustomer(email: string) {
  const registered = await api('/api/auth/register', { body: { email, password: 'correct horse battery', displayName: 'Ada' } })
  expect(registered.status).toBe(201)
  const { token, user } = registered.body as { token: string, user: { id: string } }
  const stream = await liveStream()
  const product = await createProduct({ name: 'Velvet Lipstick', stock: 5 })
  await api(`/api/livestreams/${stream.id}/pin-product`, { ...admin(), body: { productId: product.id, pinned: true } })
  const socket = await TestSocket.open({ token })
  sockets.push(socket)
  socket.send({ type: 'register', livestreamId: stream.id, sessionId: `sess-${user.id}` })
  await socket.next('registered')
  socket.send({ type: 'chat_message', message: 'Is it long-lasting?' })
  await socket.next('chat_message', frame => frame.message === 'Is it long-lasting?')
  expect((await api(`/api/livestreams/${stream.id}/events`, { token, body: { sessionId: `funnel-${user.id}`, events: [{ type: 'product_click', productId: product.id, at: new Date().toISOString() }] } })).status).toBe(202)
  const order = await api('/api/orders', { token, body: { livestreamId: stream.id, items: [{ productId: product.id, quantity: 1 }], shipping } })
  expect(order.status).toBe(201)
  return { token, userId: user.id, streamId: stream.id, orderId: order.body.order.id as string }
}

describe('a customer\'s data', () => {
  it('the admin exports all of it (audited), then erases the customer everywhere: orders kept anonymized, chat as "Deleted user"', async () => {
    const email = `ada.${Date.now()}@example.com`
    const ada = await activeCustomer(email)

    const exported = await api(`/api/customers/${ada.userId}/export`, admin())
    expect(exported.status).toBe(200)
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment; filename="wrencos-customer-\w+\.json"$/)
    const data = exported.body
    expect(data.account).toMatchObject({ id: ada.userId, email, displayName: 'Ada', role: 'customer', hasPassword: true })
    expect(JSON.stringify(data)).not.toMatch(/passwordHash|scrypt|\$argon|correct horse/)
    expect(data.orders.map((order: { id: string }) => order.id)).toEqual([ada.orderId])
    expect(data.orders[0].shipping).toEqual(shipping)
    expect(data.chat).toEqual([expect.objectContaining({ livestreamId: ada.streamId, message: 'Is it long-lasting?', displayName: 'Ada' })])
    expect(data.funnel).toEqual([expect.objectContaining({ livestreamId: ada.streamId, type: 'product_click', sessionId: `funnel-${ada.userId}` })])
    expect(data.sessions.length).toBeGreaterThanOrEqual(1)
    expect(data.reminders).toEqual([])
    // The customer gets the same from their own account.
    const own = await api('/api/auth/me/export', { token: ada.token })
    expect(own.status).toBe(200)
    expect(own.body.orders).toEqual(data.orders)

    expect((await api(`/api/customers/${ada.userId}`, { method: 'DELETE', ...admin() })).status).toBe(204)
    expect((await api('/api/auth/me', { token: ada.token })).status).toBe(401)
    expect((await api('/api/auth/login', { body: { email, password: 'correct horse battery' } })).status).toBe(401)
    expect((await api(`/api/customers/${ada.userId}/export`, admin())).status).toBe(404)
    const orders = (await api(`/api/orders?livestreamId=${ada.streamId}`, admin())).body.items as Array<{ id: string, shipping: unknown, totalCents: number }>
    const kept = orders.find(order => order.id === ada.orderId)!
    expect(kept.totalCents).toBe(1500)
    expect(kept.shipping).toEqual({ name: 'Deleted customer', email: 'deleted@invalid', address: '' })
    expect(JSON.stringify(orders)).not.toContain(shipping.email)
    const chat = (await api(`/api/livestreams/${ada.streamId}/chat`)).body.items as Array<{ message: string, user: { displayName: string } }>
    expect(chat.find(line => line.message === 'Is it long-lasting?')!.user.displayName).toBe('Deleted user')
    // The show's funnel still counts the click.
    const analytics = await api(`/api/livestreams/${ada.streamId}/analytics`, admin())
    expect(JSON.stringify(analytics.body)).not.toContain(email)
    // The address is free again.
    expect((await api('/api/auth/register', { body: { email, password: 'another password', displayName: 'New Ada' } })).status).toBe(201)

    const audit = (await api('/api/audit', admin())).body.items as Array<{ action: string, targetUserId: string }>
    expect(audit.filter(entry => entry.targetUserId === ada.userId).map(entry => entry.action)).toEqual(['customer.erased', 'customer.exported'])
    expect((await api('/api/audit', { token: ada.token })).status).toBe(401)
  })

  it('a customer deletes their own account; staff accounts and strangers cannot be erased this way', async () => {
    const bob = await activeCustomer(`bob.${Date.now()}@example.com`)
    expect((await api('/api/auth/me', { method: 'DELETE', token: bob.token })).status).toBe(204)
    expect((await api('/api/auth/me', { token: bob.token })).status).toBe(401)
    const orders = (await api(`/api/orders?livestreamId=${bob.streamId}`, admin())).body.items as Array<{ id: string, shipping: { name: string } }>
    expect(orders.find(order => order.id === bob.orderId)!.shipping.name).toBe('Deleted customer')
    // Not in the admin's audit log: the customer's own act.
    const audit = (await api('/api/audit', admin())).body.items as Array<{ targetUserId: string }>
    expect(audit.some(entry => entry.targetUserId === bob.userId)).toBe(false)

    expect((await api('/api/auth/me', { method: 'DELETE', ...admin() })).status).toBe(403)
    expect((await api('/api/auth/me/export', admin())).status).toBe(403)
    const me = (await api('/api/auth/me', admin())).body.user
    expect((await api(`/api/customers/${me.id}`, { method: 'DELETE', ...admin() })).status).toBe(404)
    expect((await api('/api/customers/ffffffffffffffffffffffff/export', admin())).status).toBe(404)
    expect((await api('/api/customers/not%20an%20id', { method: 'DELETE', ...admin() })).status).toBe(400)
    const stranger = (await api('/api/auth/guest', { body: { displayName: 'Eve' } })).body
    expect((await api(`/api/customers/${bob.userId}/export`, { token: stranger.token })).status).toBe(403)
  })
})
