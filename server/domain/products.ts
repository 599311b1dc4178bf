import type { CreateProductInput, PatchProductInput } from '#shared/schemas/product'
import { isoNow, type Core } from './core'
import { notFound } from './errors'
import { announcePins, liveShowsPinning } from './livestreams'

export async function findProduct(core: Core, id: string) {
  const [product] = await core.store.getProducts([id])
  if (!product) throw notFound('product')
  return product
}

export function listProducts(core: Core) {
  return core.store.listProducts()
}

export function createProduct(core: Core, input: CreateProductInput) {
  return core.store.createProduct(input)
}

export async function patchProduct(core: Core, id: string, patch: PatchProductInput) {
  const product = await core.store.updateProduct(id, patch)
  if (!product) throw notFound('product')
  core.events.emit('products', [id])
  return product
}

/** Hides the product from the catalogue and unpins it everywhere; orders and replays that name it keep it. */
export async function deleteProduct(core: Core, id: string) {
  const pinning = await liveShowsPinning(core, [id])
  const at = isoNow(core)
  if (!(await core.store.deleteProduct(id, at))) throw notFound('product')
  await core.store.closeOpenPins({ productId: id }, at)
  await announcePins(core, pinning)
  core.events.emit('products', [id])
}
