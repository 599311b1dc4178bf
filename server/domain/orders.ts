import type { Order } from '#shared/types/models'
import type { CreateOrderInput } from '#shared/schemas/order'
import type { CappedTake } from '../db'
import { newId } from '../db/ids'
import { isoNow, type Core } from './core'
import { DomainError } from './errors'
import type { Actor } from './limits'
import { findLivestream } from './livestreams'
import { counterDigest, dealRefusal, dealTerms, type DealLine } from './deals'
import { webhookDeliveries } from './webhooks'
import { mergeOrderLines, priceOrder, shortagesOf, stockIn, unitsByProduct, type OrderLine } from './order-pricing'

const notEnoughStock = (shortages: ReturnType<typeof shortagesOf>) =>
  new DomainError('conflict', 'not enough stock', { reason: 'out_of_stock', shortages })

/**
 * The running totals an order in a show adds to: units of each product per account, per browser
 * and per address. Guest accounts are free, so the account alone would not hold anyone back.
 */
function unitCaps(core: Core, livestreamId: string, buyer: Actor & { userId: string }, lines: OrderLine[]): CappedTake[] {
  const { perCustomerPerShow, perAddressPerShow } = core.orderCaps
  const whos: [string, string | undefined, number][] = [
    ['user', buyer.userId, perCustomerPerShow],
    ['device', buyer.deviceId, perCustomerPerShow],
    ['address', buyer.address === 'unknown' ? undefined : buyer.address, perAddressPerShow],
  ]
  return unitsByProduct(lines).flatMap(line => whos.filter(([, id]) => id).map(([kind, id, max]) => ({
    counter: `units:${livestreamId}:${line.productId}:${kind}:${kind === 'user' ? id : counterDigest(id!)}`, amount: line.quantity, max, livestreamId,
  })))
}

/** Which products a refused order would take past a cap, and how many of each are still allowed. */
function limitsReached(caps: CappedTake[], used: Record<string, number>) {
  const reached = new Map<string, { productId: string, max: number, remaining: number }>()
  for (const cap of caps) {
    if (!cap.counter.startsWith('units:')) continue
    const taken = used[cap.counter] ?? 0
    if (taken + cap.amount <= cap.max) continue
    const productId = cap.counter.split(':')[2]!
    const remaining = Math.max(0, cap.max - taken)
    const known = reached.get(productId)
    if (!known || remaining < known.remaining) reached.set(productId, { productId, max: cap.max, remaining })
  }
  return [...reached.values()]
}

/**
 * Places an order: all of its stock (and, in a show, the buyer's allowance) is taken at once, or
 * nothing is and a 409 says what is short.
 */
export async function placeOrder(core: Core, buyer: Actor & { userId: string }, input: CreateOrderInput): Promise<Order> {
  if (input.livestreamId) await findLivestream(core, input.livestreamId)
  const lines = mergeOrderLines(input.items)
  const { perOrder } = core.orderCaps
  const tooMany = unitsByProduct(lines).filter(line => line.quantity > perOrder)
  if (tooMany.length) {
    throw new DomainError('invalid', `at most ${perOrder} of one product per order`, {
      reason: 'per_order_limit', limits: tooMany.map(line => ({ productId: line.productId, max: perOrder, remaining: perOrder })),
    })
  }
  const dealLines = lines.filter((line): line is DealLine => !!line.dealId)
  if (dealLines.length && !input.livestreamId) throw new DomainError('invalid', 'a deal is bought in its show: name the livestreamId')
  const deals = await dealTerms(core, input.livestreamId, dealLines, buyer)
  const products = new Map((await core.store.getProducts(lines.map(line => line.productId))).map(p => [p.id, p]))
  const priced = priceOrder(lines, products, deals.prices)
  // Checked before writing, so a cart that cannot be had costs no transaction; the store checks again atomically.
  const short = shortagesOf(lines, stockIn(products))
  if (short.length) throw notEnoughStock(short)
  const order: Order = {
    id: newId(core.clock.now()),
    userId: buyer.userId,
    ...(input.livestreamId ? { livestreamId: input.livestreamId } : {}),
    ...priced,
    shipping: input.shipping,
    status: 'placed',
    createdAt: isoNow(core),
  }
  const caps = [...(input.livestreamId ? unitCaps(core, input.livestreamId, buyer, lines) : []), ...deals.caps]
  // The webhook that announces the order is written with it: a kill right after cannot lose it.
  const deliveries = webhookDeliveries(core, 'order.created', { order })
  const result = await core.store.placeOrder(order, caps, deliveries)
  if (!result.ok) {
    const shortNow = shortagesOf(lines, key => result.stock[key] ?? 0)
    if (shortNow.length) throw notEnoughStock(shortNow)
    const dealShort = dealRefusal(deals.caps, result.used)
    if (dealShort) throw dealShort
    throw new DomainError('conflict', 'that is more of this product than one customer may buy in this show', {
      reason: 'customer_limit', limits: limitsReached(caps, result.used),
    })
  }
  core.events.emit('order', order)
  if (deliveries.length) core.events.emit('webhooksQueued')
  core.events.emit('products', order.items.map(item => item.productId))
  if (dealLines.length) core.events.emit('dealsTaken', dealLines.map(line => line.dealId))
  return order
}

export function listOrders(core: Core, query: { livestreamId?: string }) {
  return core.store.listOrders(query)
}
