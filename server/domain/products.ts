import type { CreateProductInput, PatchProductInput, VariantInputValue } from '#shared/schemas/product'
import type { Product, ProductVariant } from '#shared/types/models'
import type { ProductChanges } from '../db'
import { variantStockSum, withVariantId } from '../db/variants'
import { isoNow, type Core } from './core'
import { DomainError, notFound } from './errors'
import { announcePins, liveShowsPinning } from './livestreams'

export async function findProduct(core: Core, id: string) {
  const [product] = await core.store.getProducts([id])
  if (!product) throw notFound('product')
  return product
}

export function listProducts(core: Core) {
  return core.store.listProducts()
}

/** What a unit of this shade (or of the product) costs. */
export const unitPriceOf = (product: Product, variant?: ProductVariant) => variant?.priceCents ?? product.priceCents

/** The shade of a product an order, cart or deal line names: required when it has shades, refused when it has none. */
export function shadeOf(product: Product, variantId: string | undefined): ProductVariant | undefined {
  if (!product.variants?.length) {
    if (variantId) throw new DomainError('not_found', 'this product has no shades', { reason: 'variant_not_found', productId: product.id, variantId })
    return undefined
  }
  if (!variantId) throw new DomainError('invalid', 'choose a shade of this product: variantId', { reason: 'variant_required', productId: product.id })
  const variant = product.variants.find(known => known.id === variantId)
  if (!variant) throw new DomainError('not_found', 'no such shade of this product', { reason: 'variant_not_found', productId: product.id, variantId })
  return variant
}

/** The shades as stored: new ones get ids, an id the product does not have is refused; its stock is their sum. */
function shades(input: VariantInputValue[], existing: ProductVariant[] = []) {
  const stranger = input.find(variant => variant.id && !existing.some(known => known.id === variant.id))
  if (stranger) throw new DomainError('invalid', 'no such shade of this product', { variantId: stranger.id })
  const variants = input.map(withVariantId)
  return { variants, stock: variantStockSum(variants) }
}

export function createProduct(core: Core, input: CreateProductInput) {
  const { variants, stock, ...product } = input
  return core.store.createProduct(variants?.length ? { ...product, ...shades(variants) } : { ...product, stock: stock! })
}

/**
 * A patch's `variants` replaces the list (an empty one makes the product one item again, its stock
 * the patch's or 0); a product with shades has no stock of its own to set.
 */
export async function patchProduct(core: Core, id: string, patch: PatchProductInput) {
  let changes: ProductChanges = { ...patch, variants: undefined }
  if (patch.variants !== undefined || patch.stock !== undefined) {
    const current = await findProduct(core, id)
    if (patch.variants?.length) changes = { ...changes, ...shades(patch.variants, current.variants) }
    else if (patch.variants) changes = { ...changes, variants: null, stock: patch.stock ?? 0 }
    else if (current.variants?.length) throw new DomainError('invalid', 'this product\'s stock is its shades\': set theirs in variants')
  }
  const product = await core.store.updateProduct(id, changes)
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
