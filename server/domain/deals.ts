// Flash deals: a price for a few units of one product, for a while, during a show. What is left of
// a deal is a capped counter (`dealCounter`), taken in the same atomic step as the order's stock,
// so 50 customers racing for 10 units get exactly 10 (server/db placeOrder).
import { createHash } from 'node:crypto'
import type { StartDealInput } from '#shared/schemas/deal'
import type { Deal, DealEndReason } from '#shared/types/models'
import type { CappedTake, DealRecord } from '../db'
import { isoNow, type Core } from './core'
import { DomainError, notFound } from './errors'
import { findLivestream, pinProduct } from './livestreams'
import { shadeOf, unitPriceOf } from './products'

/** The counter of a deal's units taken. */
export const dealCounter = (dealId: string) => `deal:${dealId}`
/** Browsers and addresses are kept in counters as digests: the counters need to tell them apart, not to know them. */
export const counterDigest = (id: string) => createHash('sha256').update(id).digest('base64url').slice(0, 22)
/**
 * The counter of one buyer's units of a deal: by account, by browser and by address, since guest
 * accounts are free and a cookieless frame has no browser id. Behind one address (a household, an
 * office) a few buyers (NUXT_DEAL_BUYERS_PER_ADDRESS) may each take the per-customer allowance.
 */
const buyerCounter = (dealId: string, kind: 'user' | 'device' | 'address', id: string) =>
  `deal:${dealId}:${kind}:${kind === 'user' ? id : counterDigest(id)}`

export const isOpen = (deal: DealRecord, now: number) => !deal.endedAt && Date.parse(deal.endsAt) > now

/** Deals as clients see them: with what is left, read from their counters at once. */
export async function presentDeals(core: Pick<Core, 'store'>, records: DealRecord[]): Promise<Deal[]> {
  const used = await core.store.readCounters(records.map(record => dealCounter(record.id)))
  return records.map(record => ({ ...record, remaining: Math.max(0, record.quantity - (used[dealCounter(record.id)] ?? 0)) }))
}

export async function presentDeal(core: Pick<Core, 'store'>, record: DealRecord): Promise<Deal> {
  return (await presentDeals(core, [record]))[0]!
}

/** The host starts a deal on a product (or one of its shades): while the show is live, below the product's price, within its stock, one at a time per product; its card is pinned with it. */
export async function startDeal(core: Core, livestreamId: string, input: StartDealInput): Promise<Deal> {
  const stream = await findLivestream(core, livestreamId)
  if (stream.status !== 'live') throw new DomainError('conflict', 'deals run while the show is live')
  const [product] = await core.store.getProducts([input.productId])
  if (!product) throw notFound('product')
  // On one shade: below its price and within its stock; on every shade: below the cheapest and within them all.
  const variant = input.variantId ? shadeOf(product, input.variantId) : undefined
  const regular = variant ? unitPriceOf(product, variant) : Math.min(product.priceCents, ...(product.variants ?? []).map(shade => unitPriceOf(product, shade)))
  const stock = variant?.stock ?? product.stock
  if (input.priceCents >= regular) throw new DomainError('invalid', `a deal's price is below the product's (${regular})`)
  if (input.perCustomer && input.perCustomer > input.quantity) throw new DomainError('invalid', 'perCustomer cannot be more than the deal\'s quantity')
  if (input.quantity > stock) throw new DomainError('conflict', `only ${stock} of this ${variant ? 'shade' : 'product'} are in stock`, { reason: 'out_of_stock', available: stock })
  const now = core.clock.now()
  const running = (await core.store.listDeals({ livestreamId })).filter(deal => deal.productId === product.id && isOpen(deal, now))
  if (running.length) throw new DomainError('conflict', 'this product has a deal on already: end it first', { dealId: running[0]!.id })
  const record = await core.store.createDeal({
    livestreamId,
    productId: product.id,
    ...(variant ? { variantId: variant.id } : {}),
    priceCents: input.priceCents,
    currency: product.currency,
    quantity: input.quantity,
    ...(input.perCustomer ? { perCustomer: input.perCustomer } : {}),
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + input.durationSeconds * 1000).toISOString(),
  })
  const deal = await presentDeal(core, record)
  // A deal is on the product the host is showing: its card is pinned if it was not.
  if (!(await core.store.listPinnedProductIds(livestreamId)).includes(product.id)) await pinProduct(core, livestreamId, product.id, true)
  core.events.emit('dealStarted', deal)
  return deal
}

/** Ends a deal now (the host, its time, its last unit, the show's end); said once, whoever gets there first. */
export async function endDeal(core: Core, dealId: string, reason: DealEndReason): Promise<Deal> {
  const ended = await core.store.endDeal(dealId, isoNow(core), reason)
  if (ended) {
    const deal = await presentDeal(core, ended)
    core.events.emit('dealEnded', deal)
    return deal
  }
  const record = await core.store.getDeal(dealId)
  if (!record) throw notFound('deal')
  return presentDeal(core, record)
}

/** The host's "end deal": a deal of this show. */
export async function endDealOf(core: Core, livestreamId: string, dealId: string) {
  const record = await core.store.getDeal(dealId)
  if (!record || record.livestreamId !== livestreamId) throw notFound('deal')
  return endDeal(core, dealId, 'host')
}

export async function listDealsOf(core: Core, livestreamId: string) {
  await findLivestream(core, livestreamId)
  return presentDeals(core, await core.store.listDeals({ livestreamId }))
}

/** An order line at a deal's price. */
export interface DealLine { dealId: string, productId: string, variantId?: string, quantity: number }

/**
 * The deals an order's lines name, checked open and of this show and product, with the counters
 * their units are taken from: the deal's own (its quantity) and the buyer's (its per-customer limit).
 */
export async function dealTerms(core: Core, livestreamId: string | undefined, lines: DealLine[], buyer: { userId: string, deviceId?: string, address?: string }) {
  const prices = new Map<string, number>()
  const caps: CappedTake[] = []
  const now = core.clock.now()
  for (const line of lines) {
    const deal = await core.store.getDeal(line.dealId)
    // A deal on one shade is that shade's price only.
    if (!deal || deal.livestreamId !== livestreamId || deal.productId !== line.productId || (deal.variantId && deal.variantId !== line.variantId)) {
      throw new DomainError('not_found', 'no such deal on this product in this show', { reason: 'deal_not_found', dealId: line.dealId })
    }
    if (!isOpen(deal, now)) throw new DomainError('conflict', 'this deal has ended', { reason: 'deal_ended', dealId: deal.id })
    prices.set(deal.id, deal.priceCents)
    caps.push({ counter: dealCounter(deal.id), amount: line.quantity, max: deal.quantity, livestreamId })
    if (deal.perCustomer) {
      caps.push({ counter: buyerCounter(deal.id, 'user', buyer.userId), amount: line.quantity, max: deal.perCustomer, livestreamId })
      if (buyer.deviceId) caps.push({ counter: buyerCounter(deal.id, 'device', buyer.deviceId), amount: line.quantity, max: deal.perCustomer, livestreamId })
      if (buyer.address && buyer.address !== 'unknown') {
        const max = deal.perCustomer * core.orderCaps.dealBuyersPerAddress
        caps.push({ counter: buyerCounter(deal.id, 'address', buyer.address), amount: line.quantity, max, livestreamId })
      }
    }
  }
  return { prices, caps }
}

/** Why an order's deal units could not be taken: the deal sold out, or the buyer's limit, in the 409's words. */
export function dealRefusal(caps: CappedTake[], used: Record<string, number>): DomainError | undefined {
  for (const cap of caps) {
    if (!cap.counter.startsWith('deal:') || (used[cap.counter] ?? 0) + cap.amount <= cap.max) continue
    const [, dealId, kind] = cap.counter.split(':')
    const remaining = Math.max(0, cap.max - (used[cap.counter] ?? 0))
    if (!kind) return new DomainError('conflict', remaining ? `only ${remaining} left at the deal price` : 'this deal is sold out', { reason: 'deal_sold_out', dealId, remaining })
    const message = kind === 'address' ? 'buyers at this address have taken their share of this deal' : `at most ${cap.max} per customer at the deal price`
    return new DomainError('conflict', message, { reason: 'deal_limit', dealId, max: cap.max, remaining })
  }
  return undefined
}
