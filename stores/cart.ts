import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { Deal, Order, Product, ProductVariant } from '#shared/types/models'
import type { ShippingInput } from '#shared/schemas/order'
import { safeStorage } from '../utils/safe-storage'

/**
 * A line of the cart: one product, or one shade of it (`variantId`); `deal` when it was added at a
 * flash deal's price (the server holds it only while the deal is open).
 */
export interface CartLine { product: Product, variantId?: string, quantity: number, deal?: { id: string, priceCents: number } }

/** The line's shade as the product now has it (its name, swatch and price follow the live card). */
export const shadeOfLine = (line: CartLine) => line.variantId ? line.product.variants?.find(variant => variant.id === line.variantId) : undefined

/** What one unit of a line costs. */
export const unitPrice = (line: CartLine) => line.deal?.priceCents ?? shadeOfLine(line)?.priceCents ?? line.product.priceCents

const STORAGE_KEY = 'wrencos:cart'

/**
 * The customer's cart: kept in localStorage so a reload or a dropped connection does not empty it,
 * and checked out as one order tied to the show it was filled in.
 */
export const useCartStore = defineStore('cart', () => {
  const lines = ref<CartLine[]>([])
  const count = computed(() => lines.value.reduce((sum, line) => sum + line.quantity, 0))
  const totalCents = computed(() => lines.value.reduce((sum, line) => sum + line.quantity * unitPrice(line), 0))
  const currency = computed(() => lines.value[0]?.product.currency ?? 'EUR')

  function restore() {
    try {
      lines.value = JSON.parse(safeStorage.get(STORAGE_KEY) ?? '[]')
    }
    catch {
      lines.value = []
    }
    watch(lines, value => safeStorage.set(STORAGE_KEY, JSON.stringify(value)), { deep: true })
  }

  const sameLine = (line: CartLine, productId: string, dealId?: string, variantId?: string) =>
    line.product.id === productId && line.deal?.id === dealId && line.variantId === variantId

  function add(product: Product, deal?: Deal, variant?: ProductVariant) {
    const line = lines.value.find(existing => sameLine(existing, product.id, deal?.id, variant?.id))
    if (line) line.quantity = Math.min(99, line.quantity + 1)
    else lines.value.push({ product, ...(variant ? { variantId: variant.id } : {}), quantity: 1, ...(deal ? { deal: { id: deal.id, priceCents: deal.priceCents } } : {}) })
  }

  function setQuantity(productId: string, quantity: number, dealId?: string, variantId?: string) {
    if (quantity <= 0) lines.value = lines.value.filter(line => !sameLine(line, productId, dealId, variantId))
    else lines.value = lines.value.map(line => sameLine(line, productId, dealId, variantId) ? { ...line, quantity: Math.min(99, quantity) } : line)
  }

  /** Newer prices and stock, from the pinned cards as they change live. */
  function refresh(products: Product[]) {
    for (const line of lines.value) {
      const fresh = products.find(product => product.id === line.product.id)
      if (fresh) line.product = fresh
    }
  }

  async function checkout(livestreamId: string, shipping: ShippingInput): Promise<Order> {
    const { order } = await $fetch<{ order: Order }>('/api/orders', {
      method: 'POST',
      body: { livestreamId, items: lines.value.map(line => ({ productId: line.product.id, ...(line.variantId ? { variantId: line.variantId } : {}), quantity: line.quantity, ...(line.deal ? { dealId: line.deal.id } : {}) })), shipping },
    })
    lines.value = []
    return order
  }

  return { lines, count, totalCents, currency, restore, add, setQuantity, refresh, checkout }
})
