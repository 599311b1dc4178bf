// Webhooks through the built server and a receiver on loopback: what arrives is signed and says
// what happened; a receiver that fails is tried again; the log shows it and can send again; and an
// order's webhook survives a kill -9 of the server before it could be delivered.
import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { startServer, type RunningServer } from '../support/server'

const SECRET = 'whsec-test-secret'
const shipping = { name: 'Ann', email: 'ann@example.com', address: '1 Rue de la Paix, Paris' }

interface Received { headers: IncomingHttpHeaders, body: string, json: { id: string, type: string, createdAt: string, data: Record<string, any> } } // eslint-disable-line @typescript-eslint/no-explicit-any

/** A receiver on loopback that answers what `answer` says and keeps what it was sent. */
function receiver(port = 0) {
  const received: Received[] = []
  let answer: (request: Received) => number = () => 204
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => {
      body += chunk
    })
    request.on('end', () => {
      const entry = { headers: request.headers, body, json: JSON.parse(body) }
      received.push(entry)
      response.statusCode = answer(entry)
      response.end()
    })
  })
  return {
    received,
    answerWith: (next: (request: Received) => number) => (answer = next),
    listen: () => new Promise<number>(resolve => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))),
    close: () => new Promise(resolve => server.close(resolve)),
    of: (type: string) => received.filter(entry => entry.json.type === type),
  }
}

/** What a brand's receiver does: recompute the signature over "<t>.<body>" and compare. */
function verifies(entry: Received) {
  const [t, v1] = String(entry.headers['x-wrencos-signature']).split(',').map(part => part.split('=')[1])
  const expected = createHmac('sha256', SECRET).update(`${t}.${entry.body}`).digest('hex')
  return v1 === expected && Math.abs(Date.now() / 1000 - Number(t)) < 300
}

const waitFor = async <T>(check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = check()
    if (value) return value
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

const servers: RunningServer[] = []
const receivers: Array<ReturnType<typeof receiver>> = []
afterAll(async () => {
  for (const server of servers) await server.stop()
  for (const one of receivers) await one.close()
})

async function serverFor(port: number, env: Record<string, string> = {}) {
  const server = await startServer({ NUXT_WEBHOOK_URLS: `http://127.0.0.1:${port}/hooks/wrencos`, NUXT_WEBHOOK_SECRET: SECRET, NUXT_WEBHOOK_BACKOFF_MS: '300', ...env })
  servers.push(server)
  const admin = (await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token as string
  return { server, admin }
}

describe('webhooks', () => {
  it('sends signed events for a show\'s start, its orders, its deals and its end; a failing receiver gets the third try', { timeout: 60_000 }, async () => {
    const hooks = receiver()
    receivers.push(hooks)
    const port = await hooks.listen()
    const { server, admin } = await serverFor(port)
    const base = server.baseURL
    const { livestream } = (await api('/api/livestreams', { base, token: admin, body: { title: 'Hooked show', quality: '480p' } })).body
    await api(`/api/livestreams/${livestream.id}/start`, { base, method: 'POST', token: admin })
    const started = await waitFor(() => hooks.of('livestream.started')[0])
    expect(verifies(started)).toBe(true)
    expect(started.headers['content-type']).toBe('application/json')
    expect(started.json.data.livestream).toMatchObject({ id: livestream.id, status: 'live' })

    // The receiver fails twice, then takes it: the order's webhook arrives on the third try, the same event each time.
    let failures = 0
    hooks.answerWith(entry => entry.json.type === 'order.created' && failures++ < 2 ? 500 : 204)
    const { product } = (await api('/api/products', { base, token: admin, body: { name: 'Hook gloss', priceCents: 1200, currency: 'EUR', stock: 5 } })).body
    const buyer = (await api('/api/auth/guest', { base, body: { displayName: 'Hooked' } })).body
    const { order } = (await api('/api/orders', { base, token: buyer.token, body: { livestreamId: livestream.id, items: [{ productId: product.id, quantity: 1 }], shipping } })).body
    const tries = await waitFor(() => hooks.of('order.created').length >= 3 && hooks.of('order.created'))
    expect(tries).toHaveLength(3)
    expect(new Set(tries.map(entry => entry.json.id)).size).toBe(1)
    expect(tries.every(verifies)).toBe(true)
    expect(tries[2]!.json.data.order).toMatchObject({ id: order.id, totalCents: 1200 })
    const log = await api('/api/webhooks/deliveries', { base, token: admin })
    const orderDelivery = log.body.items.find((item: { type: string }) => item.type === 'order.created')
    expect(orderDelivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 204, eventId: tries[0]!.json.id })
    expect(orderDelivery.body).toBeUndefined()
    expect(log.body.receivers).toEqual([`http://127.0.0.1:${port}/hooks/wrencos`])

    // "Send again" from the log: once more, the same event.
    expect((await api(`/api/webhooks/deliveries/${orderDelivery.id}/resend`, { base, method: 'POST', token: admin })).status).toBe(200)
    await waitFor(() => hooks.of('order.created').length === 4)
    expect(hooks.of('order.created')[3]!.json.id).toBe(tries[0]!.json.id)

    const { deal } = (await api(`/api/livestreams/${livestream.id}/deals`, { base, token: admin, body: { productId: product.id, priceCents: 600, quantity: 2, durationSeconds: 30 } })).body
    await api(`/api/livestreams/${livestream.id}/deals/${deal.id}/end`, { base, method: 'POST', token: admin })
    expect((await waitFor(() => hooks.of('deal.ended')[0])).json.data.deal).toMatchObject({ id: deal.id, endReason: 'host' })
    await api(`/api/livestreams/${livestream.id}/stop`, { base, method: 'POST', token: admin })
    expect((await waitFor(() => hooks.of('livestream.ended')[0])).json.data.livestream).toMatchObject({ id: livestream.id, status: 'ended' })
    expect(hooks.received.every(verifies)).toBe(true)
    // Only the admin reads the log or sends again.
    expect((await api('/api/webhooks/deliveries', { base, token: buyer.token })).status).toBe(403)
    expect((await api(`/api/webhooks/deliveries/${orderDelivery.id}/resend`, { base, method: 'POST', token: buyer.token })).status).toBe(403)
    expect((await api('/api/webhooks/deliveries/ffffffffffffffffffffffff/resend', { base, method: 'POST', token: admin })).status).toBe(404)
  })

  it('delivers an order\'s webhook after a kill -9 of the server that had not delivered it yet', { timeout: 60_000 }, async () => {
    // The receiver is down when the order is placed.
    const first = receiver()
    const port = await first.listen()
    await first.close()
    const { server, admin } = await serverFor(port)
    const { livestream } = (await api('/api/livestreams', { base: server.baseURL, token: admin, body: { title: 'Killed', quality: '480p' } })).body
    const { product } = (await api('/api/products', { base: server.baseURL, token: admin, body: { name: 'Kill tint', priceCents: 900, currency: 'EUR', stock: 5 } })).body
    const buyer = (await api('/api/auth/guest', { base: server.baseURL, body: { displayName: 'Kim' } })).body
    const { order } = (await api('/api/orders', { base: server.baseURL, token: buyer.token, body: { livestreamId: livestream.id, items: [{ productId: product.id, quantity: 2 }], shipping } })).body
    // It has been tried (and refused) at least once, and waits for its next try, when the server is killed.
    const deadline = Date.now() + 10_000
    while (!(await api('/api/webhooks/deliveries', { base: server.baseURL, token: admin })).body.items.some((item: { type: string, attempts: number }) => item.type === 'order.created' && item.attempts >= 1)) {
      if (Date.now() > deadline) throw new Error('the order\'s webhook was never tried')
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    await server.kill()

    const back = receiver(port)
    receivers.push(back)
    await back.listen()
    const again = await startServer(server.env, { dataDir: server.dataDir })
    servers.push(again)
    const delivered = await waitFor(() => back.of('order.created')[0], 15_000)
    expect(verifies(delivered)).toBe(true)
    expect(delivered.json.data.order).toMatchObject({ id: order.id, totalCents: 1800 })
  })
})
