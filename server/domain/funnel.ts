// The shopping funnel (PROTOCOL.md, "Shopping funnel"): what the live page and the embedded player
// report as a customer looks at, clicks, adds and checks out, per product, turned into the
// after-show funnel with the orders. A session counts once per step of each product.
import type { FunnelCounts, FunnelPoint, FunnelStep, Order, Product, ProductFunnel } from '#shared/types/models'
import type { DealRecord, FunnelEventRecord, LivestreamRecord } from '../db'
import type { Core } from './core'
import { DomainError } from './errors'
import { findLivestream } from './livestreams'

/** A reported time further than this from the server's is taken as the server's: a wrong phone clock. */
const TRUSTED_SKEW_MS = 5 * 60_000
/**
 * The most funnel rows one show keeps (about 500 bytes each): 10,000 sessions at every step of
 * five products. Past it new events are not kept, so a flood cannot grow the database without end.
 */
export const MAX_FUNNEL_ROWS_PER_SHOW = 200_000

const STEP_FIELD: Record<FunnelStep, keyof FunnelCounts> = {
  product_impression: 'impressions',
  product_click: 'clicks',
  add_to_cart: 'addToCart',
  checkout_started: 'checkout',
}

const none = (): FunnelCounts => ({ impressions: 0, clicks: 0, addToCart: 0, checkout: 0, orders: 0 })

/** The products a show's funnel can name: those it pinned at some moment, and those of its deals. */
async function productsOfShow(core: Core, livestreamId: string) {
  const [pins, deals] = await Promise.all([core.store.listPins(livestreamId), core.store.listDeals({ livestreamId })])
  return new Set([...pins.map(pin => pin.productId), ...deals.map(deal => deal.productId)])
}

/**
 * Keeps a page's batch of events for a show that is live or has a replay; answers how many were
 * new. Only products the show presented count (anything else is a 400 and nothing is kept); a
 * session this show has not seen yet is limited per show and address like a view; and a show
 * keeps at most MAX_FUNNEL_ROWS_PER_SHOW rows.
 */
export async function recordFunnelEvents(core: Core, livestreamId: string, sessionId: string, events: Array<{ type: FunnelStep, productId: string, at: string }>, who: { address?: string, userId?: string } = {}) {
  const { address, userId } = who
  const stream = await findLivestream(core, livestreamId)
  if (stream.status === 'scheduled') throw new DomainError('conflict', 'this show has not started')
  const presented = await productsOfShow(core, livestreamId)
  const strangers = [...new Set(events.map(event => event.productId).filter(id => !presented.has(id)))]
  if (strangers.length) throw new DomainError('invalid', 'these products were not presented in this show', { productIds: strangers.slice(0, 20) })
  const usage = await core.store.funnelUsage(livestreamId, sessionId)
  if (!usage.sessionKnown) await core.limits.enforce('funnelSession', { key: address && `${livestreamId}|${address}` }, 'too many new sessions from this address;')
  if (usage.rows >= MAX_FUNNEL_ROWS_PER_SHOW) return 0
  const now = core.clock.now()
  const records: FunnelEventRecord[] = events.map(event => ({
    livestreamId,
    sessionId,
    productId: event.productId,
    type: event.type,
    at: Math.abs(Date.parse(event.at) - now) <= TRUSTED_SKEW_MS ? event.at : new Date(now).toISOString(),
    ...(userId ? { userId } : {}),
  }))
  return core.store.addFunnelEvents(records)
}

/** The share of a step that took the next one; at most 1 (orders placed outside this page's funnel, by the API or another tab, are not a step's conversion). */
const share = (part: number, whole: number) => whole ? Math.round(Math.min(1, part / whole) * 1000) / 1000 : null

/** Per product: sessions at each step and the orders that include it; products with none of either are left out. */
export function productFunnels(events: FunnelEventRecord[], orders: Order[], products: Map<string, Pick<Product, 'name'>>): ProductFunnel[] {
  const counts = new Map<string, FunnelCounts>()
  const of = (productId: string) => counts.get(productId) ?? counts.set(productId, none()).get(productId)!
  for (const event of events) of(event.productId)[STEP_FIELD[event.type]]++
  for (const order of orders) for (const productId of new Set(order.items.map(item => item.productId))) of(productId).orders++
  const names = new Map(orders.flatMap(order => order.items.map(item => [item.productId, item.name] as const)))
  return [...counts].map(([productId, steps]) => ({
    productId,
    name: products.get(productId)?.name ?? names.get(productId) ?? 'Product',
    ...steps,
    conversion: {
      click: share(steps.clicks, steps.impressions),
      cart: share(steps.addToCart, steps.clicks || steps.impressions),
      checkout: share(steps.checkout, steps.addToCart),
      order: share(steps.orders, steps.checkout),
    },
  })).sort((a, b) => b.orders - a.orders || b.impressions - a.impressions)
}

/** The funnel in the analytics timeline's buckets (`times`, each up to the next, the last up to `end`). */
export function funnelTimeline(events: FunnelEventRecord[], orders: Order[], times: string[], end: number): FunnelPoint[] {
  const starts = times.map(time => Date.parse(time))
  const bucketOf = (time: number) => {
    if (!starts.length || time < starts[0]! || time >= end) return -1
    let index = 0
    while (index + 1 < starts.length && starts[index + 1]! <= time) index++
    return index
  }
  const points: FunnelPoint[] = times.map(at => ({ at, ...none() }))
  for (const event of events) {
    const index = bucketOf(Date.parse(event.at))
    if (index >= 0) points[index]![STEP_FIELD[event.type]]++
  }
  for (const order of orders) {
    const index = bucketOf(Date.parse(order.createdAt))
    if (index >= 0) points[index]!.orders++
  }
  return points
}

/** The deals as bands over the timeline, each from its start to its end (or its planned end). */
export function dealBands(deals: DealRecord[], products: Map<string, Pick<Product, 'name'>>) {
  return deals.map(deal => ({
    dealId: deal.id,
    productId: deal.productId,
    name: products.get(deal.productId)?.name ?? 'Product',
    from: deal.startsAt,
    to: deal.endedAt ?? deal.endsAt,
  }))
}

/** The whole funnel of a show, for its analytics. */
export async function showFunnel(core: Core, stream: LivestreamRecord, orders: Order[], times: string[], end: number) {
  const [events, deals] = await Promise.all([core.store.listFunnelEvents(stream.id), core.store.listDeals({ livestreamId: stream.id })])
  const ids = [...new Set([...events.map(event => event.productId), ...deals.map(deal => deal.productId)])]
  const products = new Map((await core.store.getProducts(ids, { includeDeleted: true })).map(product => [product.id, product]))
  return { products: productFunnels(events, orders, products), timeline: funnelTimeline(events, orders, times, end), deals: dealBands(deals, products) }
}
