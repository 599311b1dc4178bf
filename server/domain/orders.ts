import type { Order } from '#shared/types/models'
import type { CreateOrderInput } from '#shared/schemas/order'
import { newId } from '../db/ids'
import { isoNow, type Core } from './core'
import { DomainError } from './errors'
import { findLivestream } from './livestreams'
import { mergeOrderLines, priceOrder, shortagesOf } from './order-pricing'

const notEnoughStock = (shortages: ReturnType<typeof shortagesOf>) =>
  new DomainError('conflict', 'not enough stock', { shortages })

/** Places an order: all of its stock is taken at once, or none and a 409 that says what is short. */
export async function placeOrder(core: Core, userId: string, input: CreateOrderInput): Promise<Order> {
  if (input.livestreamId) await findLivestream(core, input.livestreamId)
  const lines = mergeOrderLines(input.items)
  const products = new Map((await core.store.getProducts(lines.map(line => line.productId))).map(p => [p.id, p]))
  const priced = priceOrder(lines, products)
  // Checked before writing, so a cart that cannot be had costs no transaction; the store checks again atomically.
  const short = shortagesOf(lines, id => products.get(id)!.stock)
  if (short.length) throw notEnoughStock(short)
  const order: Order = {
    id: newId(core.clock.now()),
    userId,
    ...(input.livestreamId ? { livestreamId: input.livestreamId } : {}),
    ...priced,
    shipping: input.shipping,
    status: 'placed',
    createdAt: isoNow(core),
  }
  const result = await core.store.placeOrder(order)
  if (!result.ok) throw notEnoughStock(shortagesOf(lines, id => result.stock[id] ?? 0))
  core.events.emit('products', order.items.map(item => item.productId))
  return order
}

export function listOrders(core: Core, query: { livestreamId?: string }) {
  return core.store.listOrders(query)
}
