// Flash deals through the HTTP contract on the built server: the host starts and ends them, every
// bad input is refused and changes nothing, and customers racing for a deal get exactly its units.
import { describe, expect, it } from 'vitest'
import { adminToken, api, baseURL, createProduct, guest, liveStream } from '../support/api'
import { TestSocket } from '../support/socket'

const shipping = { name: 'Ann', email: 'ann@example.com', address: '1 Rue de la Paix, Paris' }
const order = (token: string, livestreamId: string, items: Array<{ productId: string, quantity: number, dealId?: string }>) =>
  api('/api/orders', { token, body: { livestreamId, items, shipping } })

async function startDeal(livestreamId: string, body: Record<string, unknown>) {
  return api(`/api/livestreams/${livestreamId}/deals`, { token: adminToken(), body })
}

describe('flash deals', () => {
  it('50 customers racing for 10 units get exactly 10, at the deal price, and the deal ends sold out', async () => {
    const product = await createProduct({ name: `Racing gloss ${Date.now()}`, priceCents: 2400, stock: 40 })
    const show = await liveStream()
    const room = await TestSocket.open({ base: baseURL() })
    room.send({ type: 'register', livestreamId: show.id, sessionId: `session-race-${Date.now()}` })
    await room.next('registered')
    const started = await startDeal(show.id, { productId: product.id, priceCents: 990, quantity: 10, durationSeconds: 120 })
    expect(started.status).toBe(201)
    const { deal } = started.body
    expect(deal).toMatchObject({ productId: product.id, priceCents: 990, currency: 'EUR', quantity: 10, remaining: 10 })
    expect(Date.parse(deal.endsAt) - Date.parse(deal.startsAt)).toBe(120_000)
    const announced = await room.next('deal_started')
    expect(announced.deal).toEqual(deal)
    expect(Math.abs(announced.serverTime - Date.now())).toBeLessThan(1000)

    const buyers = await Promise.all(Array.from({ length: 50 }, (_, n) => guest(`Racer ${n}`)))
    const answers = await Promise.all(buyers.map(buyer => order(buyer.token, show.id, [{ productId: product.id, quantity: 1, dealId: deal.id }])))
    const won = answers.filter(answer => answer.status === 201)
    expect(won).toHaveLength(10)
    for (const answer of won) expect(answer.body.order.items).toEqual([{ productId: product.id, name: product.name, priceCents: 990, quantity: 1, dealId: deal.id }])
    const lost = answers.filter(answer => answer.status !== 201)
    expect(lost).toHaveLength(40)
    // Refused because the units were gone, or (once the last one went) because the deal had ended.
    for (const answer of lost) {
      expect(answer.status).toBe(409)
      expect(['deal_sold_out', 'deal_ended']).toContain(answer.body.data.reason)
    }
    // Stock went down by the deal's units and no more; the deal is over by itself, and the room heard it.
    expect((await api(`/api/products/${product.id}`)).body.product.stock).toBe(30)
    const ended = await room.next('deal_ended', frame => frame.dealId === deal.id)
    expect(ended.deal).toMatchObject({ remaining: 0, endReason: 'sold_out' })
    const listed = (await api(`/api/livestreams/${show.id}/deals`)).body
    expect(listed.items).toEqual([expect.objectContaining({ id: deal.id, remaining: 0, endReason: 'sold_out' })])
    expect(typeof listed.serverTime).toBe('number')
    // The regular price still sells what is left.
    const after = await order(buyers[0]!.token, show.id, [{ productId: product.id, quantity: 1 }])
    expect(after.status).toBe(201)
    expect(after.body.order.items[0].priceCents).toBe(2400)
    room.close()
  }, 60_000)

  it('holds a customer to the per-customer limit, and a deal only while it is open', async () => {
    const product = await createProduct({ name: `Limited serum ${Date.now()}`, priceCents: 3000, stock: 20 })
    const show = await liveStream()
    const { deal } = (await startDeal(show.id, { productId: product.id, priceCents: 1500, quantity: 10, perCustomer: 2, durationSeconds: 60 })).body
    const ann = await guest('Ann')
    expect((await order(ann.token, show.id, [{ productId: product.id, quantity: 2, dealId: deal.id }])).status).toBe(201)
    const third = await order(ann.token, show.id, [{ productId: product.id, quantity: 1, dealId: deal.id }])
    expect(third).toMatchObject({ status: 409, body: { data: { reason: 'deal_limit', dealId: deal.id, max: 2, remaining: 0 } } })
    // A cart with more than the deal has left takes nothing at all, not even its regular line.
    const bea = await guest('Bea')
    const greedy = await order(bea.token, show.id, [{ productId: product.id, quantity: 1 }, { productId: product.id, quantity: 3, dealId: deal.id }])
    expect(greedy).toMatchObject({ status: 409, body: { data: { reason: 'deal_limit' } } })
    expect((await api(`/api/products/${product.id}`)).body.product.stock).toBe(18)

    expect((await api(`/api/livestreams/${show.id}/deals/${deal.id}/end`, { method: 'POST', token: adminToken() })).body.deal).toMatchObject({ endReason: 'host' })
    const late = await order(bea.token, show.id, [{ productId: product.id, quantity: 1, dealId: deal.id }])
    expect(late).toMatchObject({ status: 409, body: { data: { reason: 'deal_ended' } } })
    // Ending it again answers it as it is.
    expect((await api(`/api/livestreams/${show.id}/deals/${deal.id}/end`, { method: 'POST', token: adminToken() })).body.deal.endReason).toBe('host')
  })

  it('refuses bad deals and bad deal orders with their 4xx, and changes nothing', async () => {
    const product = await createProduct({ name: `Refused tint ${Date.now()}`, priceCents: 2000, stock: 5 })
    const show = await liveStream()
    const scheduled = (await api('/api/livestreams', { token: adminToken(), body: { title: 'Not yet', quality: '480p' } })).body.livestream
    const good = { productId: product.id, priceCents: 1000, quantity: 3, durationSeconds: 30 }
    expect((await startDeal(scheduled.id, good)).status).toBe(409)
    expect((await startDeal(show.id, { ...good, priceCents: 2000 })).status).toBe(400)
    expect((await startDeal(show.id, { ...good, quantity: 6 })).status).toBe(409)
    expect((await startDeal(show.id, { ...good, durationSeconds: 5 })).status).toBe(400)
    expect((await startDeal(show.id, { ...good, durationSeconds: 3601 })).status).toBe(400)
    expect((await startDeal(show.id, { ...good, perCustomer: 4 })).status).toBe(400)
    expect((await startDeal(show.id, { ...good, productId: 'ffffffffffffffffffffffff' })).status).toBe(404)
    expect((await startDeal(show.id, { ...good, priceCents: '10' })).status).toBe(400)
    const customer = await guest('Nosy')
    expect((await api(`/api/livestreams/${show.id}/deals`, { token: customer.token, body: good })).status).toBe(403)
    expect((await api(`/api/livestreams/${show.id}/deals`)).body.items).toEqual([])

    const { deal } = (await startDeal(show.id, good)).body
    expect((await startDeal(show.id, good)).status).toBe(409)
    const other = await liveStream()
    expect((await order(customer.token, other.id, [{ productId: product.id, quantity: 1, dealId: deal.id }])).status).toBe(404)
    expect((await api('/api/orders', { token: customer.token, body: { items: [{ productId: product.id, quantity: 1, dealId: deal.id }], shipping } })).status).toBe(400)
    expect((await api(`/api/livestreams/${other.id}/deals/${deal.id}/end`, { method: 'POST', token: adminToken() })).status).toBe(404)
    expect((await api(`/api/livestreams/${show.id}/deals/${deal.id}/end`, { method: 'POST', token: customer.token })).status).toBe(403)
    expect((await api(`/api/products/${product.id}`)).body.product.stock).toBe(5)
    expect((await api(`/api/livestreams/${show.id}/deals`)).body.items).toEqual([expect.objectContaining({ id: deal.id, remaining: 3 })])
  })
})
