import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Product } from '#shared/types/models'
import { useCartStore } from '~/stores/cart'

const product = (id: string, priceCents: number, stock = 10) => ({ id, name: `Product ${id}`, priceCents, currency: 'EUR', stock }) as Product

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})
afterEach(() => vi.unstubAllGlobals())

describe('the cart store', () => {
  it('adds, counts, totals and keeps itself across reloads', async () => {
    const cart = useCartStore()
    cart.restore()
    cart.add(product('a', 1200))
    cart.add(product('a', 1200))
    cart.add(product('b', 500))
    expect(cart.count).toBe(3)
    expect(cart.totalCents).toBe(2900)
    cart.setQuantity('b', 0)
    expect(cart.lines.map(line => line.product.id)).toEqual(['a'])
    await Promise.resolve()
    setActivePinia(createPinia())
    const reloaded = useCartStore()
    reloaded.restore()
    expect(reloaded.count).toBe(2)
  })

  it('follows live price and stock changes of pinned products', () => {
    const cart = useCartStore()
    cart.add(product('a', 1200, 10))
    cart.refresh([product('a', 1000, 2)])
    expect(cart.lines[0]!.product).toMatchObject({ priceCents: 1000, stock: 2 })
  })

  it('checks out as one order tied to the show, then empties', async () => {
    const fetch = vi.fn(async () => ({ order: { id: 'o1' } }))
    vi.stubGlobal('$fetch', fetch)
    const cart = useCartStore()
    cart.add(product('a', 1200))
    const shipping = { name: 'Zoé', email: 'zoe@example.com', address: '12 Rue des Lilas' }
    await cart.checkout('s1', shipping)
    expect(fetch).toHaveBeenCalledWith('/api/orders', { method: 'POST', body: { livestreamId: 's1', items: [{ productId: 'a', quantity: 1 }], shipping } })
    expect(cart.count).toBe(0)
  })
})
