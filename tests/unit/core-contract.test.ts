// What the core does on top of a Store, on every implementation: pricing an order and taking its
// stock, what goes when a show is deleted, and unpinning a deleted product. (These held in the
// adapters before; the rules now live once, in server/domain.)
import { beforeAll, describe, expect, it } from 'vitest'
import type { Store } from '../../server/db'
import type { Core } from '../../server/domain/core'
import { deleteLivestream, pinProduct, startLivestream } from '../../server/domain/livestreams'
import { dealCounter, startDeal } from '../../server/domain/deals'
import { placeOrder } from '../../server/domain/orders'
import { deleteProduct } from '../../server/domain/products'
import { coreOnStore, forEachStore } from '../support/stores'

const now = () => new Date().toISOString()
const product = (overrides: Partial<Parameters<Store['createProduct']>[0]> = {}) =>
  ({ name: 'Glow serum', priceCents: 2900, currency: 'EUR', stock: 5, ...overrides })
const shipping = { name: 'Ada', email: 'ada@example.com', address: '1 Rue de la Paix, Paris' }

forEachStore('Core contract', (name) => {
  const opened = coreOnStore(name)
  let store: Store
  let core: Core
  beforeAll(() => {
    ;({ store, core } = opened())
  })

  describe('flash deals', () => {
    it('50 buyers racing for a 10-unit deal get exactly 10, at the deal price, with the stock taken once', async () => {
      const p = await store.createProduct(product({ stock: 30, priceCents: 2400 }))
      const show = await store.createLivestream({ title: 'Race', description: '', quality: '480p' })
      await startLivestream(core, show.id)
      const deal = await startDeal(core, show.id, { productId: p.id, priceCents: 990, quantity: 10, perCustomer: 1, durationSeconds: 60 })
      const attempts = await Promise.allSettled(Array.from({ length: 50 }, (_, n) =>
        placeOrder(core, { userId: `racer-${n}` }, { livestreamId: show.id, items: [{ productId: p.id, quantity: 1, dealId: deal.id }], shipping })))
      const won = attempts.filter(attempt => attempt.status === 'fulfilled')
      expect(won).toHaveLength(10)
      for (const attempt of won) expect(attempt.value.items[0]).toMatchObject({ priceCents: 990, dealId: deal.id })
      for (const attempt of attempts.filter(attempt => attempt.status === 'rejected')) {
        expect(['deal_sold_out', 'deal_ended']).toContain((attempt.reason as { data: { reason: string } }).data.reason)
      }
      expect((await store.getProducts([p.id]))[0]!.stock).toBe(20)
      expect(await store.readCounters([dealCounter(deal.id)])).toEqual({ [dealCounter(deal.id)]: 10 })
      // One buyer, a second unit: the per-customer limit, whatever is left.
      await expect(placeOrder(core, { userId: 'racer-0' }, { livestreamId: show.id, items: [{ productId: p.id, quantity: 1, dealId: deal.id }], shipping }))
        .rejects.toMatchObject({ code: 'conflict' })
    })
  })

  describe('orders', () => {
    it('takes stock and snapshots the lines', async () => {
      const p = await store.createProduct(product({ stock: 3, priceCents: 1000 }))
      const show = await store.createLivestream({ title: 'Orders', description: '', quality: '480p' })
      const order = await placeOrder(core, { userId: 'u1' }, { livestreamId: show.id, items: [{ productId: p.id, quantity: 1 }, { productId: p.id, quantity: 1 }], shipping })
      expect(order).toMatchObject({ userId: 'u1', livestreamId: show.id, totalCents: 2000, currency: 'EUR', status: 'placed', shipping })
      expect(order.items).toEqual([{ productId: p.id, name: 'Glow serum', priceCents: 1000, quantity: 2 }])
      expect((await store.getProducts([p.id]))[0]!.stock).toBe(1)
      expect((await store.listOrders({ livestreamId: show.id })).map(o => o.id)).toEqual([order.id])
    })

    it('takes nothing when any line is short', async () => {
      const a = await store.createProduct(product({ stock: 5 }))
      const b = await store.createProduct(product({ stock: 1 }))
      await expect(placeOrder(core, { userId: 'u' }, { items: [{ productId: a.id, quantity: 2 }, { productId: b.id, quantity: 2 }], shipping }))
        .rejects.toMatchObject({ code: 'conflict', data: { shortages: [{ productId: b.id, requested: 2, available: 1 }] } })
      expect((await store.getProducts([a.id, b.id])).map(p => p.stock)).toEqual([5, 1])
    })

    it('refuses unknown or deleted products and mixed currencies', async () => {
      const gone = await store.createProduct(product())
      await store.deleteProduct(gone.id, now())
      await expect(placeOrder(core, { userId: 'u' }, { items: [{ productId: gone.id, quantity: 1 }], shipping }))
        .rejects.toMatchObject({ code: 'not_found', data: { productIds: [gone.id] } })
      const eur = await store.createProduct(product())
      const usd = await store.createProduct(product({ currency: 'USD' }))
      await expect(placeOrder(core, { userId: 'u' }, { items: [{ productId: eur.id, quantity: 1 }, { productId: usd.id, quantity: 1 }], shipping }))
        .rejects.toMatchObject({ code: 'conflict', message: 'an order must be in one currency' })
    })

    it('lets only one of many concurrent orders have the last item', async () => {
      const last = await store.createProduct(product({ stock: 1 }))
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) =>
        placeOrder(core, { userId: `u${i}` }, { items: [{ productId: last.id, quantity: 1 }], shipping })))
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1)
      expect(results.filter(r => r.status === 'rejected' && (r.reason as { code: string }).code === 'conflict')).toHaveLength(9)
      expect((await store.getProducts([last.id]))[0]!.stock).toBe(0)
    })
  })

  describe('livestreams', () => {
    it('deletes only in an allowed state, with its chat, pins, deals and moderation record', async () => {
      const stream = await store.createLivestream({ title: 'D', description: '', quality: '480p' })
      const p = await store.createProduct(product())
      await store.appendChat({ livestreamId: stream.id, userId: 'u', displayName: 'U', role: 'customer', message: 'hi', createdAt: now() })
      await store.appendModeration({ livestreamId: stream.id, moderatorId: 'm', moderatorName: 'M', action: 'ban', targetUserId: 'u', createdAt: now() })
      await startLivestream(core, stream.id)
      await pinProduct(core, stream.id, p.id, true)
      await startDeal(core, stream.id, { productId: p.id, priceCents: 100, quantity: 1, durationSeconds: 60 })
      await expect(deleteLivestream(core, stream.id)).rejects.toMatchObject({ code: 'conflict' })
      await store.updateLivestream(stream.id, { status: 'ended' })
      await deleteLivestream(core, stream.id)
      expect(await store.getLivestream(stream.id)).toBeNull()
      expect(await store.listChat(stream.id, { limit: 10 })).toEqual([])
      expect(await store.listPins(stream.id)).toEqual([])
      expect(await store.listDeals({ livestreamId: stream.id })).toEqual([])
      expect(await store.listModeration(stream.id)).toEqual([])
    })
  })

  describe('products', () => {
    it('unpins a deleted product from every show, and tells those shows', async () => {
      const show = await store.createLivestream({ title: 'Pinned', description: '', quality: '480p' })
      const p = await store.createProduct(product())
      await startLivestream(core, show.id)
      await pinProduct(core, show.id, p.id, true)
      const told: unknown[] = []
      core.events.on('pins', pins => told.push(pins))
      await deleteProduct(core, p.id)
      expect(await store.listPinnedProductIds(show.id)).toEqual([])
      expect((await store.listPins(show.id))[0]!.unpinnedAt).toBeDefined()
      expect(told).toContainEqual({ livestreamId: show.id, pinnedProducts: [] })
    })
  })
})
