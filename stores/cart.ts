import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { Order, Product } from '#shared/types/models'
import type { ShippingInput } from '#shared/schemas/order'

export interface CartLine { product: Product, quantity: number }

const STORAGE_KEY = 'wrencos:cart'

/**
 * The customer's cart: kept in localStorage so a reload or a dropped connection does not empty it,
 * and checked out as one order tied to the show it was filled in.
 */
export const useCartStore = defineStore('cart', () => {
  const lines = ref<CartLine[]>([])
  const count = computed(() => lines.value.reduce((sum, line) => sum + line.quantity, 0))
  const totalCents = computed(() => lines.value.reduce((sum, line) => sum + line.quantity * line.product.priceCents, 0))
  const currency = computed(() => lines.value[0]?.product.currency ?? 'EUR')

  function restore() {
    try {
      lines.value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]')
    }
    catch {
      lines.value = []
    }
    watch(lines, value => localStorage.setItem(STORAGE_KEY, JSON.stringify(value)), { deep: true })
  }

  function add(product: Product) {
    const line = lines.value.find(existing => existing.product.id === product.id)
    if (line) line.quantity = Math.min(99, line.quantity + 1)
    else lines.value.push({ product, quantity: 1 })
  }

  function setQuantity(productId: string, quantity: number) {
    if (quantity <= 0) lines.value = lines.value.filter(line => line.product.id !== productId)
    else lines.value = lines.value.map(line => line.product.id === productId ? { ...line, quantity: Math.min(99, quantity) } : line)
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
      body: { livestreamId, items: lines.value.map(line => ({ productId: line.product.id, quantity: line.quantity })), shipping },
    })
    lines.value = []
    return order
  }

  return { lines, count, totalCents, currency, restore, add, setQuantity, refresh, checkout }
})
