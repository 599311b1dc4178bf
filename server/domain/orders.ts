import { createError } from 'h3'
import type { CreateOrderInput } from '#shared/schemas/order'
import type { Store } from '../db'
import { roomEvents } from '../realtime/events'
import { findLivestream } from './livestreams'

/** Places an order: all of its stock is taken at once, or none and a 409 that says what is short. */
export async function placeOrder(store: Store, userId: string, input: CreateOrderInput) {
  if (input.livestreamId) await findLivestream(store, input.livestreamId)
  const result = await store.placeOrder({
    userId,
    livestreamId: input.livestreamId,
    lines: input.items,
    shipping: input.shipping,
    createdAt: new Date().toISOString(),
  })
  if (result.ok) {
    roomEvents.emit('products', result.order.items.map(item => item.productId))
    return result.order
  }
  switch (result.reason) {
    case 'unknown_product':
      throw createError({ statusCode: 404, message: 'no such product', data: { productIds: result.productIds } })
    case 'out_of_stock':
      throw createError({ statusCode: 409, message: 'not enough stock', data: { shortages: result.shortages } })
    case 'mixed_currency':
      throw createError({ statusCode: 409, message: 'an order must be in one currency' })
  }
}
