import { createError } from 'h3'
import type { CreateProductInput, PatchProductInput } from '#shared/schemas/product'
import type { Store } from '../db'
import { roomEvents } from '../realtime/events'

export async function findProduct(store: Store, id: string) {
  const [product] = await store.getProducts([id])
  if (!product) throw createError({ statusCode: 404, message: 'no such product' })
  return product
}

export function createProduct(store: Store, input: CreateProductInput) {
  return store.createProduct(input)
}

export async function patchProduct(store: Store, id: string, patch: PatchProductInput) {
  const product = await store.updateProduct(id, patch)
  if (!product) throw createError({ statusCode: 404, message: 'no such product' })
  roomEvents.emit('products', [id])
  return product
}

/** Hides the product from the catalogue and unpins it; orders and replays that name it keep it. */
export async function deleteProduct(store: Store, id: string) {
  if (!(await store.deleteProduct(id, new Date().toISOString()))) throw createError({ statusCode: 404, message: 'no such product' })
  roomEvents.emit('products', [id])
}
