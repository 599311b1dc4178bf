// What one address can do however many guest accounts it makes, on a server with every shipped
// limit (the shared test server raises the per-address ones, since all tests come from 127.0.0.1).
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { startServer, type RunningServer } from '../support/server'
import { TestSocket } from '../support/socket'

let server: RunningServer
let adminToken: string
const sockets: TestSocket[] = []
const base = () => server.baseURL
const session = () => `session-${Math.random().toString(36).slice(2, 12)}`
const shipping = { name: 'Ann Example', email: 'ann@example.com', address: '1 Main Street' }

beforeAll(async () => {
  // The shipped limits, but for three: few sockets per address, so that cap is quick to reach, and
  // guest sign-ups and orders per address (their own limits are in tests/unit/limits.test.ts), so
  // the tests can make accounts and buy.
  server = await startServer({
    NUXT_RATE_LIMITS: JSON.stringify({ signup: { perAddress: { burst: 1000, perSecond: 100 } }, order: { perAddress: { burst: 1000, perSecond: 100 } } }),
    NUXT_MAX_SOCKETS_PER_ADDRESS: '12',
    NUXT_ORDER_MAX_UNITS_PER_ADDRESS: '',
    NUXT_DEAL_BUYERS_PER_ADDRESS: '',
  })
  const login = await api('/api/auth/login', { base: base(), body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })
  adminToken = login.body.token
})
afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  await server?.stop()
})

async function guests(count: number) {
  const made = []
  for (let i = 0; i < count; i++) {
    const response = await api('/api/auth/guest', { base: base(), body: { displayName: `Abuser ${i}` } })
    if (response.status !== 201) throw new Error(`guest sign-up: ${response.status}`)
    made.push(response.body as { token: string, user: { id: string } })
  }
  return made
}

async function liveShow() {
  const { livestream } = (await api('/api/livestreams', { base: base(), token: adminToken, body: { title: 'Abuse show', quality: '480p' } })).body
  await api(`/api/livestreams/${livestream.id}/start`, { base: base(), method: 'POST', token: adminToken })
  return livestream as { id: string }
}

async function product(stock: number) {
  return (await api('/api/products', { base: base(), token: adminToken, body: { name: 'Limited lipstick', priceCents: 1500, currency: 'EUR', stock } })).body.product as { id: string }
}

describe('one address with many guest accounts', () => {
  it('cannot buy a whole product: at most 10 of one product per order, 20 per customer per show, 100 per address', async () => {
    const show = await liveShow()
    const lipstick = await product(5000)
    const [buyer] = await guests(1)
    // The review's order: 50 lines of 99, merged into 4,950 units.
    const greedy = await api('/api/orders', { base: base(), token: buyer!.token, body: { livestreamId: show.id, items: Array.from({ length: 50 }, () => ({ productId: lipstick.id, quantity: 99 })), shipping } })
    expect(greedy.status).toBe(400)
    expect(greedy.body.data).toMatchObject({ reason: 'per_order_limit', limits: [{ productId: lipstick.id, max: 10 }] })
    const order = (token: string) => api('/api/orders', { base: base(), token, body: { livestreamId: show.id, items: [{ productId: lipstick.id, quantity: 10 }], shipping } })
    expect((await order(buyer!.token)).status).toBe(201)
    expect((await order(buyer!.token)).status).toBe(201)
    const third = await order(buyer!.token)
    expect(third.status).toBe(409)
    expect(third.body.data).toMatchObject({ reason: 'customer_limit', limits: [{ productId: lipstick.id, max: 20, remaining: 0 }] })
    // More accounts from the same address: the address runs out at 100 units, whatever the accounts.
    let sold = 20
    for (const other of await guests(15)) {
      for (let i = 0; i < 2; i++) if ((await order(other.token)).status === 201) sold += 10
    }
    expect(sold).toBeLessThanOrEqual(100)
    const left = (await api(`/api/products/${lipstick.id}`, { base: base() })).body.product.stock
    expect(5000 - left).toBe(sold)
  })

  it('cannot chat past the limit by switching accounts: the address has its own bucket', async () => {
    const show = await liveShow()
    let accepted = 0
    for (const { token } of await guests(10)) {
      const socket = await TestSocket.open({ base: base(), token })
      sockets.push(socket)
      socket.send({ type: 'register', livestreamId: show.id, sessionId: session() })
      await socket.next('registered')
      for (let i = 0; i < 5; i++) socket.send({ type: 'chat_message', message: `spam ${i}` })
      await new Promise(resolve => setTimeout(resolve, 150))
      accepted += 5 - socket.frames.filter(frame => frame.type === 'error' && frame.code === 'RATE_LIMITED').length
      socket.close()
    }
    // Each account alone may send 5 at once; ten of them sent 50. The address allows 20 and about 3 a second.
    expect(accepted).toBeLessThanOrEqual(30)
    expect(accepted).toBeGreaterThanOrEqual(20)
    const stored = (await api(`/api/livestreams/${show.id}/chat?limit=100`, { base: base() })).body.items
    expect(stored).toHaveLength(accepted)
  })

  it('cannot pile up hearts by switching accounts: hearts are counted per address too', async () => {
    const show = await liveShow()
    for (const { token } of await guests(10)) {
      for (let i = 0; i < 5; i++) await api(`/api/livestreams/${show.id}/like`, { base: base(), token, body: { count: 50 } })
    }
    // 10 accounts x 5 likes x 50 hearts would be 2,500; the address allows 1,000 at once and 100 a second.
    const likes = (await api(`/api/livestreams/${show.id}`, { base: base() })).body.livestream.likes
    expect(likes).toBeGreaterThanOrEqual(1000)
    expect(likes).toBeLessThan(1500)
  })

  it('cannot count views without end: a few new sessions per address, none before the show starts', async () => {
    const { livestream: scheduled } = (await api('/api/livestreams', { base: base(), token: adminToken, body: { title: 'Views', quality: '480p' } })).body
    for (let i = 0; i < 20; i++) await api(`/api/livestreams/${scheduled.id}/view`, { base: base(), body: { sessionId: session() } })
    expect((await api(`/api/livestreams/${scheduled.id}`, { base: base() })).body.livestream.viewCount).toBe(0)
    await api(`/api/livestreams/${scheduled.id}/start`, { base: base(), method: 'POST', token: adminToken })
    const statuses = []
    for (let i = 0; i < 100; i++) statuses.push((await api(`/api/livestreams/${scheduled.id}/view`, { base: base(), body: { sessionId: session() } })).status)
    expect(statuses.filter(status => status === 200)).toHaveLength(10)
    expect(statuses.filter(status => status === 429)).toHaveLength(90)
    expect((await api(`/api/livestreams/${scheduled.id}`, { base: base() })).body.livestream.viewCount).toBe(10)
  })

  it('cannot flood the studio with requests for video: a few per socket, then RATE_LIMITED', async () => {
    const show = await liveShow()
    const studio = await TestSocket.open({ base: base(), token: adminToken })
    sockets.push(studio)
    studio.send({ type: 'register_admin', livestreamId: show.id })
    await studio.next('admin_registered')
    const customer = await TestSocket.open({ base: base() })
    sockets.push(customer)
    customer.send({ type: 'register', livestreamId: show.id, sessionId: session() })
    await customer.next('registered')
    for (let i = 0; i < 10; i++) customer.send({ type: 'webrtc_new_customer' })
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(studio.frames.filter(frame => frame.type === 'webrtc_new_customer')).toHaveLength(3)
    expect(customer.frames.filter(frame => frame.type === 'error' && frame.code === 'RATE_LIMITED')).toHaveLength(7)
    studio.close()
    customer.close()
  })

  it('cannot open sockets without end: past the cap per address an upgrade is refused with 429', async () => {
    for (const socket of sockets.splice(0)) socket.close()
    await new Promise(resolve => setTimeout(resolve, 200))
    const opened: TestSocket[] = []
    for (let i = 0; i < 12; i++) opened.push(await TestSocket.open({ base: base() }))
    sockets.push(...opened)
    await new Promise(resolve => setTimeout(resolve, 100))
    await expect(TestSocket.open({ base: base() })).rejects.toThrow('upgrade refused: 429')
    opened.pop()!.close()
    await new Promise(resolve => setTimeout(resolve, 200))
    sockets.push(await TestSocket.open({ base: base() }))
  })
})

describe('one address racing the limits in parallel (review of 524255a)', () => {
  it('cannot pass the socket cap with a burst of upgrades (each with a forged token cookie), and gets its places back as sockets close', async () => {
    for (const socket of sockets.splice(0)) socket.close()
    await new Promise(resolve => setTimeout(resolve, 300))
    const show = await liveShow()
    // 524255a: 195 of 200 opened (an await between the count and the add: the signature check of
    // a well-formed token signed with another key), 200 with register.
    const forged = await new SignJWT({ role: 'customer', name: 'Forged', sid: 'none' }).setProtectedHeader({ alg: 'HS256' }).setSubject('nobody').setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('not-the-server-secret'))
    const attempts = await Promise.allSettled(Array.from({ length: 100 }, () => TestSocket.open({ base: base(), headers: { cookie: `wrencos_token=${forged}` } })))
    const opened = attempts.filter(attempt => attempt.status === 'fulfilled').map(attempt => (attempt as PromiseFulfilledResult<TestSocket>).value)
    expect(opened).toHaveLength(12)
    for (const attempt of attempts) if (attempt.status === 'rejected') expect(String(attempt.reason)).toContain('upgrade refused: 429')
    opened.forEach((socket, i) => socket.send({ type: 'register', livestreamId: show.id, sessionId: `session-burst-${i}-${Date.now()}` }))
    await Promise.all(opened.map(socket => socket.next('registered')))
    await new Promise(resolve => setTimeout(resolve, 1500))
    expect((await api(`/api/livestreams/${show.id}`, { base: base() })).body.livestream.currentViewers).toBe(12)
    // Closed sockets give their places back, however many there were.
    opened.forEach(socket => socket.close())
    await new Promise(resolve => setTimeout(resolve, 300))
    const again = await Promise.allSettled(Array.from({ length: 20 }, () => TestSocket.open({ base: base() })))
    const reopened = again.filter(attempt => attempt.status === 'fulfilled').map(attempt => (attempt as PromiseFulfilledResult<TestSocket>).value)
    expect(reopened).toHaveLength(12)
    reopened.forEach(socket => socket.close())
    await new Promise(resolve => setTimeout(resolve, 300))
  })

  it('cannot fill a show\'s funnel: only products the show presented, and new sessions per show and address limited like views', async () => {
    const show = await liveShow()
    const lipstick = await product(10)
    await api(`/api/livestreams/${show.id}/pin-product`, { base: base(), token: adminToken, body: { productId: lipstick.id, pinned: true } })
    const at = new Date().toISOString()
    // 524255a kept 2,000 rows a second of made-up products from one address.
    const madeUp = await api(`/api/livestreams/${show.id}/events`, { base: base(), body: { sessionId: 'session-made-up-1', events: [{ type: 'product_click', productId: 'ffffffffffffffffffffffff', at }] } })
    expect(madeUp.status).toBe(400)
    const sessionIds = Array.from({ length: 40 }, (_, i) => `session-flood-${i}-${Date.now()}`)
    const answers = await Promise.all(sessionIds.map(sessionId => api(`/api/livestreams/${show.id}/events`, {
      base: base(), body: { sessionId, events: [{ type: 'product_impression', productId: lipstick.id, at }] },
    })))
    const kept = answers.filter(answer => answer.status === 202)
    expect(kept).toHaveLength(10)
    for (const answer of answers.filter(answer => answer.status !== 202)) {
      expect(answer.status).toBe(429)
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    // A session already kept carries on; one more new session is still refused.
    const known = sessionIds[answers.indexOf(kept[0]!)]!
    const click = await api(`/api/livestreams/${show.id}/events`, { base: base(), body: { sessionId: known, events: [{ type: 'product_click', productId: lipstick.id, at }] } })
    expect(click).toMatchObject({ status: 202, body: { accepted: 1 } })
    const newcomer = await api(`/api/livestreams/${show.id}/events`, { base: base(), body: { sessionId: 'session-flood-newcomer', events: [{ type: 'product_click', productId: lipstick.id, at }] } })
    expect(newcomer.status).toBe(429)
    const { funnel } = (await api(`/api/livestreams/${show.id}/analytics`, { base: base(), token: adminToken })).body
    expect(funnel.products).toEqual([expect.objectContaining({ productId: lipstick.id, impressions: 10, clicks: 1 })])
  })

  it('cannot take a scarce deal with cookieless guests: its per-customer limit holds per address too (two buyers by default)', async () => {
    const show = await liveShow()
    const gloss = await product(50)
    const started = await api(`/api/livestreams/${show.id}/deals`, { base: base(), token: adminToken, body: { productId: gloss.id, priceCents: 500, quantity: 5, perCustomer: 1, durationSeconds: 120 } })
    expect(started.status).toBe(201)
    const buyers = await guests(6)
    // Each guest's token alone, no device cookie: what the embedded player's third-party frame sends.
    const answers = await Promise.all(buyers.map(buyer => api('/api/orders', {
      base: base(), token: buyer.token, body: { livestreamId: show.id, items: [{ productId: gloss.id, quantity: 1, dealId: started.body.deal.id }], shipping },
    })))
    expect(answers.filter(answer => answer.status === 201)).toHaveLength(2)
    for (const answer of answers.filter(answer => answer.status !== 201)) expect(answer.body.data).toMatchObject({ reason: 'deal_limit' })
    expect((await api(`/api/livestreams/${show.id}/deals`, { base: base() })).body.items[0].remaining).toBe(3)
  })
})

describe('logins from one address', () => {
  it('are limited per address as well as per email, so fresh emails do not each cost a full hash', async () => {
    const statuses = await Promise.all(Array.from({ length: 120 }, (_, i) =>
      api('/api/auth/login', { base: base(), body: { email: `nobody-${i}@example.com`, password: 'guess-guess' } }).then(response => response.status)))
    // 30 at once per address; the rest are refused before any hashing.
    expect(statuses.filter(status => status === 401).length).toBeLessThanOrEqual(31)
    expect(statuses.filter(status => status === 429).length).toBeGreaterThanOrEqual(89)
  })
})
