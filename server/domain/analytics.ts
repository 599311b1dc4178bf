import type { Analytics, AnalyticsPoint, Order, ProductSales } from '#shared/types/models'
import type { LivestreamRecord, SampleRecord } from '../db'
import type { Core } from './core'
import { orderedElsewhere } from './attributions'
import { showFunnel } from './funnel'
import { findLivestream, listPinPeriods } from './livestreams'

/** Bucket widths a chart reads well at; the smallest that keeps the timeline to MAX_POINTS is used. */
const BUCKET_SECONDS = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]
const MAX_POINTS = 120

export function bucketSeconds(durationSeconds: number): number {
  return BUCKET_SECONDS.find(size => durationSeconds / size <= MAX_POINTS) ?? BUCKET_SECONDS.at(-1)!
}

/** The cumulative like count known at `time` (the last sample at or before it). */
function likesAt(samples: SampleRecord[], time: number): number {
  let likes = 0
  for (const sample of samples) {
    if (Date.parse(sample.at) > time) break
    likes = sample.likes
  }
  return likes
}

/**
 * The timeline from start to end (or now) in equal buckets: concurrent viewers (the highest
 * sampled in the bucket, else carried over), likes, chat lines, orders and revenue in the bucket.
 */
export function buildTimeline(stream: LivestreamRecord, samples: SampleRecord[], chatTimes: string[], orders: Order[], now = Date.now()): AnalyticsPoint[] {
  if (!stream.startTime) return []
  const start = Date.parse(stream.startTime)
  const end = stream.endTime ? Date.parse(stream.endTime) : now
  const step = bucketSeconds((end - start) / 1000) * 1000
  const points: AnalyticsPoint[] = []
  let viewers = 0
  for (let from = start; from < end || points.length === 0; from += step) {
    const to = from + step
    const inBucket = (time: number) => time >= from && time < to
    const bucketSamples = samples.filter(sample => inBucket(Date.parse(sample.at)))
    if (bucketSamples.length) viewers = Math.max(...bucketSamples.map(sample => sample.currentViewers))
    const bucketOrders = orders.filter(order => inBucket(Date.parse(order.createdAt)))
    points.push({
      at: new Date(from).toISOString(),
      currentViewers: viewers,
      likes: Math.max(0, likesAt(samples, to - 1) - likesAt(samples, from - 1)),
      chatMessages: chatTimes.filter(time => inBucket(Date.parse(time))).length,
      orders: bucketOrders.length,
      revenueCents: bucketOrders.reduce((sum, order) => sum + order.totalCents, 0),
    })
    if (to >= end) break
  }
  return points
}

export function salesByProduct(orders: Order[]): ProductSales[] {
  const sales = new Map<string, ProductSales>()
  for (const item of orders.flatMap(order => order.items)) {
    const entry = sales.get(item.productId) ?? { productId: item.productId, name: item.name, quantity: 0, revenueCents: 0 }
    entry.quantity += item.quantity
    entry.revenueCents += item.quantity * item.priceCents
    sales.set(item.productId, entry)
  }
  return [...sales.values()].sort((a, b) => b.revenueCents - a.revenueCents)
}

export async function livestreamAnalytics(core: Core, id: string): Promise<Analytics> {
  const { store } = core
  const stream = await findLivestream(core, id)
  const [samples, chatTimes, orders, pins] = await Promise.all([
    store.listSamples(id), store.listChatTimes(id), store.listOrders({ livestreamId: id }), listPinPeriods(core, id),
  ])
  const now = core.clock.now()
  const timeline = buildTimeline(stream, samples, chatTimes, orders, now)
  const end = stream.endTime ? Date.parse(stream.endTime) : now
  const durationSeconds = stream.durationSeconds
    ?? (stream.startTime ? Math.max(0, (now - Date.parse(stream.startTime)) / 1000) : 0)
  return {
    summary: {
      durationSeconds,
      peakViewers: stream.maxViewers,
      uniqueViewers: stream.viewCount,
      likes: stream.likes,
      chatMessages: chatTimes.length,
      orders: orders.length,
      revenueCents: orders.reduce((sum, order) => sum + order.totalCents, 0),
      ...(orders[0] ? { currency: orders[0].currency } : {}),
      products: salesByProduct(orders),
      pins: pins.map(pin => ({ productId: pin.product.id, name: pin.product.name, pinnedAt: pin.pinnedAt, ...(pin.unpinnedAt ? { unpinnedAt: pin.unpinnedAt } : {}) })),
    },
    timeline,
    funnel: { ...await showFunnel(core, stream, orders, timeline.map(point => point.at), end), elsewhere: await orderedElsewhere(core, stream.id) },
  }
}
