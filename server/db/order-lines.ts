/** One line per product: a cart that names a product twice orders the sum, in first-seen order. */
export function mergeOrderLines(lines: { productId: string, quantity: number }[]) {
  const merged = new Map<string, number>()
  for (const line of lines) merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity)
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }))
}
