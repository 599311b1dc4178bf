// The shopping funnel through the built server: events in, bounded and validated; the analytics'
// funnel out; the orders and the funnel as CSV.
import { describe, expect, it } from 'vitest'
import { adminToken, api, baseURL, createProduct, guest, liveStream } from '../support/api'

const shipping = { name: 'Ann', email: 'ann@example.com', address: '1 Rue de la Paix, Paris' }
const send = (livestreamId: string, body: unknown) => api(`/api/livestreams/${livestreamId}/events`, { body })
const now = () => new Date().toISOString()
/** A show's funnel takes only the products the show presented. */
const present = (livestreamId: string, productId: string) => api(`/api/livestreams/${livestreamId}/pin-product`, { token: adminToken(), body: { productId, pinned: true } })

describe('the shopping funnel', () => {
  it('takes each session\'s steps once, refuses what is not a funnel event, and turns them into the show\'s funnel', async () => {
    const product = await createProduct({ name: `Funnel balm ${Date.now()}`, priceCents: 1500, stock: 10 })
    const show = await liveStream()
    const steps = (type: string) => ({ type, productId: product.id, at: now() })
    const notShown = await createProduct({ name: `Never pinned ${Date.now()}` })
    expect(await send(show.id, { sessionId: 'session-funnel-a', events: [{ ...steps('product_click'), productId: notShown.id }] })).toMatchObject({ status: 400, body: { data: { productIds: [notShown.id] } } })
    expect((await present(show.id, product.id)).status).toBe(200)
    for (const session of ['session-funnel-a', 'session-funnel-b', 'session-funnel-c']) {
      expect(await send(show.id, { sessionId: session, events: [steps('product_impression')] })).toMatchObject({ status: 202, body: { accepted: 1 } })
    }
    const a = await send(show.id, { sessionId: 'session-funnel-a', events: [steps('product_click'), steps('add_to_cart'), steps('checkout_started'), steps('product_impression')] })
    // The repeated impression adds nothing.
    expect(a).toMatchObject({ status: 202, body: { accepted: 3 } })
    // A wrong clock's time is taken as the server's.
    expect((await send(show.id, { sessionId: 'session-funnel-b', events: [{ type: 'product_click', productId: product.id, at: '2001-01-01T00:00:00Z' }] })).status).toBe(202)
    const buyer = await guest('Funnel buyer')
    expect((await api('/api/orders', { token: buyer.token, body: { livestreamId: show.id, items: [{ productId: product.id, quantity: 2 }], shipping } })).status).toBe(201)

    for (const bad of [
      { sessionId: 'short', events: [steps('product_impression')] },
      { sessionId: 'session-funnel-a', events: [] },
      { sessionId: 'session-funnel-a', events: [steps('purchase')] },
      { sessionId: 'session-funnel-a', events: Array.from({ length: 51 }, () => steps('product_impression')) },
      { sessionId: 'session-funnel-a', events: [{ type: 'product_click', productId: product.id, at: 'yesterday' }] },
    ]) expect((await send(show.id, bad)).status).toBe(400)
    expect((await send('ffffffffffffffffffffffff', { sessionId: 'session-funnel-a', events: [steps('product_click')] })).status).toBe(404)
    const scheduled = (await api('/api/livestreams', { token: adminToken(), body: { title: 'Later', quality: '480p' } })).body.livestream
    expect((await send(scheduled.id, { sessionId: 'session-funnel-a', events: [steps('product_click')] })).status).toBe(409)

    const { funnel } = (await api(`/api/livestreams/${show.id}/analytics`, { token: adminToken() })).body
    expect(funnel.products).toEqual([{
      productId: product.id, name: product.name, impressions: 3, clicks: 2, addToCart: 1, checkout: 1, orders: 1,
      conversion: { click: 0.667, cart: 0.5, checkout: 1, order: 1 },
    }])
    const totals = funnel.timeline.reduce((sum: Record<string, number>, point: Record<string, number>) => ({ impressions: sum.impressions! + point.impressions!, orders: sum.orders! + point.orders! }), { impressions: 0, orders: 0 })
    expect(totals).toEqual({ impressions: 3, orders: 1 })

    const csv = await fetch(`${baseURL()}/api/livestreams/${show.id}/analytics/export?what=funnel`, { headers: { authorization: `Bearer ${adminToken()}` } })
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const [header, row] = (await csv.text()).trimEnd().split('\r\n')
    expect(header).toBe('product id,product,impressions,clicks,added to cart,checkout started,orders,click rate,add rate,checkout rate,order rate')
    expect(row).toBe(`${product.id},${product.name},3,2,1,1,1,66.7%,50%,100%,100%`)
    const orders = await (await fetch(`${baseURL()}/api/livestreams/${show.id}/analytics/export?what=orders`, { headers: { authorization: `Bearer ${adminToken()}` } })).text()
    expect(orders.split('\r\n')[1]).toContain(`,${product.id},${product.name},2,15,,30,EUR,Ann,ann@example.com,`)
    expect((await api(`/api/livestreams/${show.id}/analytics/export?what=orders`, { token: buyer.token })).status).toBe(403)
    expect((await api(`/api/livestreams/${show.id}/analytics/export?what=everything`, { token: adminToken() })).status).toBe(400)
  })

  it('limits a session\'s batches', async () => {
    const product = await createProduct({ name: `Limited ${Date.now()}` })
    const show = await liveStream()
    await present(show.id, product.id)
    const statuses = []
    for (let n = 0; n < 12; n++) statuses.push((await send(show.id, { sessionId: 'session-funnel-flood', events: [{ type: 'product_impression', productId: product.id, at: now() }] })).status)
    expect(statuses.filter(status => status === 429).length).toBeGreaterThanOrEqual(1)
    expect(statuses.slice(0, 10).every(status => status === 202)).toBe(true)
  })
})
