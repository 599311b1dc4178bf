import { describe, expect, it } from 'vitest'
import type { Order } from '#shared/types/models'
import { bucketSeconds, buildTimeline, salesByProduct } from '../../server/domain/analytics'
import type { LivestreamRecord } from '../../server/db/types'

const start = Date.parse('2030-01-01T10:00:00.000Z')
const at = (seconds: number) => new Date(start + seconds * 1000).toISOString()
const stream = (durationSeconds: number): LivestreamRecord => ({
  id: 's', title: 't', description: '', quality: '720p', status: 'ended', likes: 0, viewCount: 0, replayViews: 0, currentViewers: 0, maxViewers: 0,
  createdAt: at(-60), startTime: at(0), endTime: at(durationSeconds), durationSeconds,
})
const order = (seconds: number, totalCents: number, items: Order['items'] = []): Order => ({
  id: `o${seconds}`, userId: 'u', items, totalCents, currency: 'EUR', shipping: { name: 'n', email: 'e@x.co', address: 'a street' }, status: 'placed', createdAt: at(seconds),
})

describe('bucketSeconds', () => {
  it('keeps a timeline to at most 120 points', () => {
    expect(bucketSeconds(60)).toBe(5)
    expect(bucketSeconds(600)).toBe(5)
    expect(bucketSeconds(601)).toBe(10)
    expect(bucketSeconds(3600)).toBe(30)
    expect(bucketSeconds(4 * 3600)).toBe(120)
  })
})

describe('buildTimeline', () => {
  it('puts viewers, likes, chat and orders in their buckets', () => {
    const samples = [
      { livestreamId: 's', at: at(1), currentViewers: 2, likes: 0, viewCount: 2 },
      { livestreamId: 's', at: at(6), currentViewers: 5, likes: 10, viewCount: 5 },
      { livestreamId: 's', at: at(8), currentViewers: 4, likes: 12, viewCount: 5 },
    ]
    const points = buildTimeline(stream(15), samples, [at(2), at(3), at(11)], [order(7, 500), order(12, 700)])
    expect(points).toEqual([
      { at: at(0), currentViewers: 2, likes: 0, chatMessages: 2, orders: 0, revenueCents: 0 },
      { at: at(5), currentViewers: 5, likes: 12, chatMessages: 0, orders: 1, revenueCents: 500 },
      { at: at(10), currentViewers: 5, likes: 0, chatMessages: 1, orders: 1, revenueCents: 700 },
    ])
  })

  it('is empty before a stream starts', () => {
    expect(buildTimeline({ ...stream(0), startTime: undefined, status: 'scheduled' }, [], [], [])).toEqual([])
  })
})

describe('salesByProduct', () => {
  it('sums quantity and revenue per product, best seller first', () => {
    const orders = [
      order(1, 0, [{ productId: 'a', name: 'A', priceCents: 100, quantity: 1 }, { productId: 'b', name: 'B', priceCents: 1000, quantity: 1 }]),
      order(2, 0, [{ productId: 'a', name: 'A', priceCents: 100, quantity: 3 }]),
    ]
    expect(salesByProduct(orders)).toEqual([
      { productId: 'b', name: 'B', quantity: 1, revenueCents: 1000 },
      { productId: 'a', name: 'A', quantity: 4, revenueCents: 400 },
    ])
  })
})
