// Deals as the room hears them, on a hand-moved clock: started, what is left (a few frames a
// second, however many buy), ended by time, by the last unit, and by the show's end.
import { afterEach, describe, expect, it } from 'vitest'
import { wireDeals } from '../../../server/domain/deal-lifecycle'
import { startDeal } from '../../../server/domain/deals'
import { startLivestream, stopLivestream } from '../../../server/domain/livestreams'
import { placeOrder } from '../../../server/domain/orders'
import { BATCH_TICK_MS } from '../../../server/realtime/room-batcher'
import { COUNTER_INTERVAL_MS } from '../../../server/realtime/room-events'
import { hubHarness, sessionId, type Harness } from '../../support/hub-harness'

let harness: Harness
let unwire: () => void
afterEach(async () => {
  unwire?.()
  await harness?.hub.shutdown()
})

const shipping = { name: 'Ann', email: 'ann@example.com', address: '1 Rue de la Paix, Paris' }

async function setUp(stock = 20) {
  harness = hubHarness()
  unwire = wireDeals(harness.core)
  const show = await harness.store.createLivestream({ title: 'Deals', description: '', quality: '720p' })
  await startLivestream(harness.core, show.id)
  const product = await harness.store.createProduct({ name: 'Glow serum', priceCents: 3000, currency: 'EUR', stock })
  const viewer = harness.connect(null)
  await viewer.say({ type: 'register', livestreamId: show.id, sessionId: sessionId(1) })
  return { showId: show.id, productId: product.id, viewer }
}

const buy = (showId: string, productId: string, dealId: string, n: number, quantity = 1) =>
  placeOrder(harness.core, { userId: `buyer-${n}` }, { livestreamId: showId, items: [{ productId, quantity, dealId }], shipping })

describe('deals in the room', () => {
  it('tells the room a deal started, what is left at most every 250 ms, and that it ended when its time ran out', async () => {
    const { showId, productId, viewer } = await setUp()
    const deal = await startDeal(harness.core, showId, { productId, priceCents: 1500, quantity: 10, durationSeconds: 30 })
    await harness.tick(BATCH_TICK_MS)
    expect(viewer.last('deal_started')).toMatchObject({ deal: { id: deal.id, remaining: 10 }, serverTime: Date.parse(deal.startsAt) })

    for (let n = 0; n < 5; n++) await buy(showId, productId, deal.id, n)
    await harness.tick(BATCH_TICK_MS)
    await harness.tick(COUNTER_INTERVAL_MS)
    // Five purchases, at most two frames (the first at once, the last after the interval), the last one right.
    const updates = viewer.all('deal_updated')
    expect(updates.length).toBeGreaterThanOrEqual(1)
    expect(updates.length).toBeLessThanOrEqual(2)
    expect(updates.at(-1)).toMatchObject({ dealId: deal.id, remaining: 5 })

    await harness.tick(30_000)
    await harness.tick(BATCH_TICK_MS)
    expect(viewer.last('deal_ended')).toMatchObject({ dealId: deal.id, deal: { endReason: 'time', remaining: 5 } })
    await expect(buy(showId, productId, deal.id, 9)).rejects.toMatchObject({ data: { reason: 'deal_ended' } })
  })

  it('ends a deal when its last unit is bought, and every deal of a show when the show ends', async () => {
    const { showId, productId, viewer } = await setUp()
    const other = await harness.store.createProduct({ name: 'Lip oil', priceCents: 1800, currency: 'EUR', stock: 5 })
    const small = await startDeal(harness.core, showId, { productId, priceCents: 1000, quantity: 2, durationSeconds: 600 })
    const long = await startDeal(harness.core, showId, { productId: other.id, priceCents: 900, quantity: 3, durationSeconds: 600 })
    await buy(showId, productId, small.id, 1, 2)
    await harness.tick(BATCH_TICK_MS)
    expect(viewer.last('deal_ended')).toMatchObject({ dealId: small.id, deal: { endReason: 'sold_out', remaining: 0 } })
    await stopLivestream(harness.core, showId)
    await harness.tick(BATCH_TICK_MS)
    expect(viewer.all('deal_ended').map(frame => frame.dealId)).toEqual([small.id, long.id])
    // Said once each, however the end came.
    await harness.tick(600_000)
    expect(viewer.all('deal_ended')).toHaveLength(2)
  })

  it('ends at start the deals whose time ran out while the server was down', async () => {
    const { showId, productId } = await setUp()
    unwire()
    const deal = await startDeal(harness.core, showId, { productId, priceCents: 1000, quantity: 2, durationSeconds: 10 })
    harness.clock.advance(20_000)
    unwire = wireDeals(harness.core)
    await harness.tick(0)
    expect((await harness.store.getDeal(deal.id))!.endReason).toBe('time')
  })
})
