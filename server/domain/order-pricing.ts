import type { OrderItem, Product } from '#shared/types/models'
import { DomainError } from './errors'

export interface OrderLine { productId: string, quantity: number, dealId?: string }

/**
 * One line per product and price: a cart that names a product twice orders the sum, in first-seen
 * order; units at a deal's price stay a line of their own.
 */
export function mergeOrderLines(lines: OrderLine[]): OrderLine[] {
  const merged = new Map<string, OrderLine>()
  for (const line of lines) {
    const key = `${line.productId}:${line.dealId ?? ''}`
    const known = merged.get(key)
    merged.set(key, { ...line, quantity: (known?.quantity ?? 0) + line.quantity })
  }
  return [...merged.values()]
}

/** The units each product is asked for, over all of its lines. */
export function unitsByProduct(lines: OrderLine[]): OrderLine[] {
  const units = new Map<string, number>()
  for (const line of lines) units.set(line.productId, (units.get(line.productId) ?? 0) + line.quantity)
  return [...units].map(([productId, quantity]) => ({ productId, quantity }))
}

/** The products that have less than the order asks for, as a 409 tells the customer. */
export function shortagesOf(lines: OrderLine[], stockOf: (productId: string) => number) {
  return unitsByProduct(lines)
    .map(line => ({ productId: line.productId, requested: line.quantity, available: stockOf(line.productId) }))
    .filter(line => line.available < line.requested)
}

/**
 * Prices merged lines at the products' prices now (a deal's line at the deal's), in one currency: the items, total and currency
 * an order keeps whatever the catalogue does later. Refuses unknown (or deleted) products and a
 * cart in two currencies.
 */
export function priceOrder(lines: OrderLine[], products: Map<string, Product>, dealPrices: Map<string, number> = new Map()) {
  const unknown = lines.filter(line => !products.has(line.productId)).map(line => line.productId)
  if (unknown.length) throw new DomainError('not_found', 'no such product', { productIds: unknown })
  const currencies = new Set(lines.map(line => products.get(line.productId)!.currency))
  if (currencies.size > 1) throw new DomainError('conflict', 'an order must be in one currency')
  const items: OrderItem[] = lines.map((line) => {
    const product = products.get(line.productId)!
    if (line.dealId) return { productId: product.id, name: product.name, priceCents: dealPrices.get(line.dealId)!, quantity: line.quantity, dealId: line.dealId }
    return { productId: product.id, name: product.name, priceCents: product.priceCents, quantity: line.quantity }
  })
  return {
    items,
    totalCents: items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0),
    currency: [...currencies][0]!,
  }
}
