import type { OrderItem, Product } from '#shared/types/models'
import { DomainError } from './errors'

export interface OrderLine { productId: string, quantity: number }

/** One line per product: a cart that names a product twice orders the sum, in first-seen order. */
export function mergeOrderLines(lines: OrderLine[]): OrderLine[] {
  const merged = new Map<string, number>()
  for (const line of lines) merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity)
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }))
}

/** The lines whose product has less than they ask for, as a 409 tells the customer. */
export function shortagesOf(lines: OrderLine[], stockOf: (productId: string) => number) {
  return lines
    .map(line => ({ productId: line.productId, requested: line.quantity, available: stockOf(line.productId) }))
    .filter(line => line.available < line.requested)
}

/**
 * Prices merged lines at the products' prices now, in one currency: the items, total and currency
 * an order keeps whatever the catalogue does later. Refuses unknown (or deleted) products and a
 * cart in two currencies.
 */
export function priceOrder(lines: OrderLine[], products: Map<string, Product>) {
  const unknown = lines.filter(line => !products.has(line.productId)).map(line => line.productId)
  if (unknown.length) throw new DomainError('not_found', 'no such product', { productIds: unknown })
  const currencies = new Set(lines.map(line => products.get(line.productId)!.currency))
  if (currencies.size > 1) throw new DomainError('conflict', 'an order must be in one currency')
  const items: OrderItem[] = lines.map((line) => {
    const product = products.get(line.productId)!
    return { productId: product.id, name: product.name, priceCents: product.priceCents, quantity: line.quantity }
  })
  return {
    items,
    totalCents: items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0),
    currency: [...currencies][0]!,
  }
}
