import type { OrderItem, Product } from '#shared/types/models'
import { stockKey, stockOf } from '../db/variants'
import { DomainError } from './errors'
import { shadeOf, unitPriceOf } from './products'

export interface OrderLine { productId: string, variantId?: string, quantity: number, dealId?: string }

/**
 * One line per product, shade and price: a cart that names a shade twice orders the sum, in
 * first-seen order; units at a deal's price stay a line of their own.
 */
export function mergeOrderLines(lines: OrderLine[]): OrderLine[] {
  const merged = new Map<string, OrderLine>()
  for (const line of lines) {
    const key = `${stockKey(line.productId, line.variantId)}:${line.dealId ?? ''}`
    const known = merged.get(key)
    merged.set(key, { ...line, quantity: (known?.quantity ?? 0) + line.quantity })
  }
  return [...merged.values()]
}

/** The units each product is asked for, over all of its lines and shades (what a customer's limit counts). */
export function unitsByProduct(lines: OrderLine[]): OrderLine[] {
  const units = new Map<string, number>()
  for (const line of lines) units.set(line.productId, (units.get(line.productId) ?? 0) + line.quantity)
  return [...units].map(([productId, quantity]) => ({ productId, quantity }))
}

/** The products (or shades) that have less than the order asks for, as a 409 tells the customer; `stockOf` takes a `stockKey`. */
export function shortagesOf(lines: OrderLine[], stockOf: (key: string) => number) {
  const asked = new Map<string, { productId: string, variantId?: string, requested: number }>()
  for (const { productId, variantId, quantity } of lines) {
    const key = stockKey(productId, variantId)
    asked.set(key, { productId, ...(variantId ? { variantId } : {}), requested: (asked.get(key)?.requested ?? 0) + quantity })
  }
  return [...asked].map(([key, line]) => ({ ...line, available: stockOf(key) })).filter(line => line.available < line.requested)
}

/** What each line's product or shade has, by `stockKey`, from the products as read. */
export function stockIn(products: Map<string, Product>) {
  return (key: string) => {
    const [productId, variantId] = key.split('/')
    return stockOf(products.get(productId!), variantId)
  }
}

/**
 * Prices merged lines at the products' (or shades') prices now (a deal's line at the deal's), in one
 * currency: the items, total and currency an order keeps whatever the catalogue does later. Refuses
 * unknown (or deleted) products, a product with shades bought without one, and a cart in two currencies.
 */
export function priceOrder(lines: OrderLine[], products: Map<string, Product>, dealPrices: Map<string, number> = new Map()) {
  const unknown = lines.filter(line => !products.has(line.productId)).map(line => line.productId)
  if (unknown.length) throw new DomainError('not_found', 'no such product', { productIds: unknown })
  const currencies = new Set(lines.map(line => products.get(line.productId)!.currency))
  if (currencies.size > 1) throw new DomainError('conflict', 'an order must be in one currency')
  const items: OrderItem[] = lines.map((line) => {
    const product = products.get(line.productId)!
    const variant = shadeOf(product, line.variantId)
    return {
      productId: product.id,
      ...(variant ? { variantId: variant.id, variantName: variant.name } : {}),
      name: product.name,
      priceCents: line.dealId ? dealPrices.get(line.dealId)! : unitPriceOf(product, variant),
      quantity: line.quantity,
      ...(line.dealId ? { dealId: line.dealId } : {}),
    }
  })
  return {
    items,
    totalCents: items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0),
    currency: [...currencies][0]!,
  }
}
