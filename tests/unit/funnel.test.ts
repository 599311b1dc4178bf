import { describe, expect, it } from 'vitest'
import type { Order } from '../../shared/types/models'
import type { FunnelEventRecord } from '../../server/db'
import { funnelTimeline, productFunnels } from '../../server/domain/funnel'

const at = (seconds: number) => new Date(Date.parse('2030-01-01T10:00:00.000Z') + seconds * 1000).toISOString()
const event = (sessionId: string, productId: string, type: FunnelEventRecord['type'], seconds: number): FunnelEventRecord => ({ livestreamId: 's', sessionId, productId, type, at: at(seconds) })
const order = (productIds: string[], seconds: number) => ({
  id: `o${seconds}`, userId: 'u', livestreamId: 's', items: productIds.map(productId => ({ productId, name: productId === 'p1' ? 'Serum' : 'Gloss', priceCents: 100, quantity: 1 })),
  totalCents: 100, currency: 'EUR', shipping: { name: 'A', email: 'a@example.com', address: 'x' }, status: 'placed', createdAt: at(seconds),
}) as Order

describe('the shopping funnel', () => {
  const events = [
    ...['a', 'b', 'c', 'd'].map((session, index) => event(session, 'p1', 'product_impression', index * 10)),
    event('a', 'p1', 'product_click', 12), event('b', 'p1', 'product_click', 22),
    event('a', 'p1', 'add_to_cart', 15),
    event('a', 'p1', 'checkout_started', 40),
    event('c', 'p2', 'product_impression', 50),
  ]

  it('counts sessions at each step of each product, with the orders, and the conversion between steps', () => {
    const funnels = productFunnels(events, [order(['p1', 'p1'], 45), order(['p2'], 55)], new Map([['p1', { name: 'Serum' }], ['p2', { name: 'Gloss' }]]))
    expect(funnels).toEqual([
      { productId: 'p1', name: 'Serum', impressions: 4, clicks: 2, addToCart: 1, checkout: 1, orders: 1, conversion: { click: 0.5, cart: 0.5, checkout: 1, order: 1 } },
      { productId: 'p2', name: 'Gloss', impressions: 1, clicks: 0, addToCart: 0, checkout: 0, orders: 1, conversion: { click: 0, cart: 0, checkout: null, order: null } },
    ])
  })

  it('puts each step and order in the timeline\'s bucket, and nothing after the show\'s end', () => {
    const timeline = funnelTimeline([...events, event('e', 'p1', 'product_impression', 90)], [order(['p1'], 45)], [at(0), at(30)], Date.parse(at(60)))
    expect(timeline).toEqual([
      { at: at(0), impressions: 3, clicks: 2, addToCart: 1, checkout: 0, orders: 0 },
      { at: at(30), impressions: 2, clicks: 0, addToCart: 0, checkout: 1, orders: 1 },
    ])
  })
})
