// The shades of a product as both stores keep them: a list inside the product (a JSON column in
// SQLite, an array in MongoDB), its stock taken in the same atomic step as the product's, and the
// product's own `stock` kept as their sum. These rules are the stores' shared part.
import type { ProductVariant } from '#shared/types/models'
import { newId } from './ids'

/** How an order's line is named in a take's stock answer: the product, or one shade of it. */
export const stockKey = (productId: string, variantId?: string) => variantId ? `${productId}/${variantId}` : productId

export const variantStockSum = (variants: ProductVariant[]) => variants.reduce((sum, variant) => sum + variant.stock, 0)

/** A new shade sent without an id gets one; absent fields stay absent. */
export const withVariantId = (variant: Omit<ProductVariant, 'id'> & { id?: string }): ProductVariant =>
  Object.fromEntries(Object.entries({ ...variant, id: variant.id ?? newId() }).filter(([, value]) => value !== undefined)) as unknown as ProductVariant

/**
 * An import's shades merged into what the product has, by SKU: a known SKU keeps its id (carts
 * and deals name it) and takes the file's fields, a new one is added, the others stay.
 */
export function mergeVariantsBySku(existing: ProductVariant[] | undefined, incoming: Array<Omit<ProductVariant, 'id'>>): ProductVariant[] {
  const merged = [...(existing ?? [])]
  for (const variant of incoming) {
    const at = merged.findIndex(known => known.sku !== undefined && known.sku === variant.sku)
    if (at >= 0) merged[at] = withVariantId({ ...variant, id: merged[at]!.id })
    else merged.push(withVariantId(variant))
  }
  return merged
}

/**
 * An imported product as both stores write it: its shades merged by SKU into those it has (a
 * product with shades keeps them when the file lists none), and then its stock is theirs.
 */
export function importedProduct<T extends { stock: number }>(product: T, incoming: Array<Omit<ProductVariant, 'id'>> | undefined, known: ProductVariant[] | undefined) {
  const variants = incoming?.length || known?.length ? mergeVariantsBySku(known, incoming ?? []) : undefined
  return variants ? { ...product, variants, stock: variantStockSum(variants) } : product
}

/** The shades with this SKU set to `stock`; undefined when none has it. */
export function setVariantStock(variants: ProductVariant[] | undefined, sku: string, stock: number): ProductVariant[] | undefined {
  if (!variants?.some(variant => variant.sku === sku)) return undefined
  return variants.map(variant => variant.sku === sku ? { ...variant, stock } : variant)
}

type Stocked = { stock: number, variants?: ProductVariant[] }

/** What a product has, or one shade of it (a deleted or unknown one: 0). */
export const stockOf = (product: Stocked | undefined, variantId?: string) =>
  (variantId ? product?.variants?.find(variant => variant.id === variantId)?.stock : product?.stock) ?? 0

/** What each line of a take has now, by `stockKey`. */
export function stockByKey(items: Array<{ productId: string, variantId?: string }>, products: Array<Stocked & { id: string }>) {
  const byId = new Map(products.map(product => [product.id, product]))
  return Object.fromEntries(items.map(item => [stockKey(item.productId, item.variantId), stockOf(byId.get(item.productId), item.variantId)]))
}
