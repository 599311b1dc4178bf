// What the core does on top of a Store, on every implementation: pricing an order and taking its
// stock, what goes when a show is deleted, and unpinning a deleted product. (These held in the
// adapters before; the rules now live once, in server/domain.)
import { beforeAll, describe, expect, it } from 'vitest'
import type { Store } from '../../server/db'
import type { Core } from '../../server/domain/core'
import { deleteLivestream, pinProduct, startLivestream } from '../../server/domain/livestreams'
import { dealCounter, startDeal } from '../../server/domain/deals'
import { placeOrder } from '../../server/domain/orders'
import { createProduct, deleteProduct, patchProduct } from '../../server/domain/products'
import { importProducts, setStockBySku } from '../../server/domain/product-import'
import { CreateProductBody } from '../../shared/schemas/product'
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

  describe('shades', () => {
    // Through the API's schema, as a request would be: it lowers the swatches' case.
    const lipstick = () => createProduct(core, CreateProductBody.parse({
      name: 'Velvet Lipstick', priceCents: 2200, currency: 'EUR', variants: [
        { name: 'Rose', swatch: '#B4475A', stock: 5 },
        { name: 'Coral', swatch: '#ff7f50', stock: 8, priceCents: 2400 },
        { name: 'Nude', stock: 3 },
      ],
    }))
    const shade = (p: Awaited<ReturnType<typeof lipstick>>, name: string) => p.variants!.find(variant => variant.name === name)!

    it('30 buyers racing for 5 units of one shade get exactly 5; the other shades are untouched', async () => {
      const p = await lipstick()
      expect(p.stock).toBe(16)
      expect(shade(p, 'Rose').swatch).toBe('#b4475a')
      const rose = shade(p, 'Rose').id
      const attempts = await Promise.allSettled(Array.from({ length: 30 }, (_, n) =>
        placeOrder(core, { userId: `shade-racer-${n}` }, { items: [{ productId: p.id, variantId: rose, quantity: 1 }], shipping })))
      const won = attempts.filter(attempt => attempt.status === 'fulfilled')
      expect(won).toHaveLength(5)
      for (const attempt of won) expect(attempt.value.items).toEqual([{ productId: p.id, variantId: rose, variantName: 'Rose', name: 'Velvet Lipstick', priceCents: 2200, quantity: 1 }])
      for (const attempt of attempts.filter(attempt => attempt.status === 'rejected')) {
        expect(attempt.reason).toMatchObject({ code: 'conflict', data: { reason: 'out_of_stock', shortages: [{ productId: p.id, variantId: rose, requested: 1, available: 0 }] } })
      }
      const [after] = await store.getProducts([p.id])
      expect(after!.variants!.map(variant => [variant.name, variant.stock])).toEqual([['Rose', 0], ['Coral', 8], ['Nude', 3]])
      expect(after!.stock).toBe(11)
    })

    it('refuses a line without a shade (400) or with one the product does not have, and prices a shade at its own price', async () => {
      const p = await lipstick()
      await expect(placeOrder(core, { userId: 'u' }, { items: [{ productId: p.id, quantity: 1 }], shipping }))
        .rejects.toMatchObject({ code: 'invalid', data: { reason: 'variant_required', productId: p.id } })
      await expect(placeOrder(core, { userId: 'u' }, { items: [{ productId: p.id, variantId: 'no-such-shade', quantity: 1 }], shipping }))
        .rejects.toMatchObject({ code: 'not_found', data: { reason: 'variant_not_found' } })
      const plain = await store.createProduct(product())
      await expect(placeOrder(core, { userId: 'u' }, { items: [{ productId: plain.id, variantId: shade(p, 'Rose').id, quantity: 1 }], shipping }))
        .rejects.toMatchObject({ code: 'not_found' })
      expect((await store.getProducts([p.id, plain.id])).map(q => q.stock)).toEqual([16, 5])
      const order = await placeOrder(core, { userId: 'u' }, { items: [{ productId: p.id, variantId: shade(p, 'Coral').id, quantity: 2 }, { productId: p.id, variantId: shade(p, 'Nude').id, quantity: 1 }], shipping })
      expect(order.totalCents).toBe(2 * 2400 + 2200)
      // Two shades short at once: nothing is taken, both named.
      await expect(placeOrder(core, { userId: 'u' }, { items: [{ productId: p.id, variantId: shade(p, 'Coral').id, quantity: 1 }, { productId: p.id, variantId: shade(p, 'Nude').id, quantity: 3 }], shipping }))
        .rejects.toMatchObject({ code: 'conflict', data: { shortages: [{ variantId: shade(p, 'Nude').id, requested: 3, available: 2 }] } })
      expect((await store.getProducts([p.id]))[0]!.variants!.map(variant => variant.stock)).toEqual([5, 6, 2])
    })

    it('a deal on one shade is that shade\'s price only; a deal on the product is any shade\'s', async () => {
      const p = await lipstick()
      const show = await store.createLivestream({ title: 'Shades', description: '', quality: '480p' })
      await startLivestream(core, show.id)
      await expect(startDeal(core, show.id, { productId: p.id, variantId: shade(p, 'Nude').id, priceCents: 990, quantity: 4, durationSeconds: 60 }))
        .rejects.toMatchObject({ code: 'conflict', data: { reason: 'out_of_stock', available: 3 } })
      await expect(startDeal(core, show.id, { productId: p.id, variantId: 'nope', priceCents: 990, quantity: 1, durationSeconds: 60 }))
        .rejects.toMatchObject({ code: 'not_found' })
      const deal = await startDeal(core, show.id, { productId: p.id, variantId: shade(p, 'Rose').id, priceCents: 990, quantity: 2, durationSeconds: 60 })
      expect(deal.variantId).toBe(shade(p, 'Rose').id)
      const onCoral = { livestreamId: show.id, items: [{ productId: p.id, variantId: shade(p, 'Coral').id, quantity: 1, dealId: deal.id }], shipping }
      await expect(placeOrder(core, { userId: 'deal-buyer' }, onCoral)).rejects.toMatchObject({ code: 'not_found', data: { reason: 'deal_not_found' } })
      const onRose = await placeOrder(core, { userId: 'deal-buyer' }, { ...onCoral, items: [{ ...onCoral.items[0]!, variantId: shade(p, 'Rose').id }] })
      expect(onRose.items[0]).toMatchObject({ variantId: shade(p, 'Rose').id, priceCents: 990, dealId: deal.id })
      expect(await store.readCounters([dealCounter(deal.id)])).toEqual({ [dealCounter(deal.id)]: 1 })

      const other = await lipstick()
      // Below the cheapest shade's price, within all of them.
      await expect(startDeal(core, show.id, { productId: other.id, priceCents: 2200, quantity: 1, durationSeconds: 60 })).rejects.toMatchObject({ code: 'invalid' })
      const whole = await startDeal(core, show.id, { productId: other.id, priceCents: 1500, quantity: 10, durationSeconds: 60 })
      const coral = await placeOrder(core, { userId: 'deal-buyer-2' }, { livestreamId: show.id, items: [{ productId: other.id, variantId: shade(other, 'Coral').id, quantity: 1, dealId: whole.id }], shipping })
      expect(coral.items[0]).toMatchObject({ variantName: 'Coral', priceCents: 1500 })
    })

    it('keeps shade ids through an edit, refuses a stock of its own, and goes back to one item with an empty list', async () => {
      const p = await lipstick()
      const edited = await patchProduct(core, p.id, { variants: [{ id: shade(p, 'Coral').id, name: 'Coral Reef', stock: 2 }, { name: 'Plum', swatch: '#5d2747', stock: 4 }] })
      expect(edited.variants!.map(variant => variant.name)).toEqual(['Coral Reef', 'Plum'])
      expect(edited.variants![0]!.id).toBe(shade(p, 'Coral').id)
      expect(edited.stock).toBe(6)
      await expect(patchProduct(core, p.id, { stock: 9 })).rejects.toMatchObject({ code: 'invalid' })
      await expect(patchProduct(core, p.id, { variants: [{ id: 'not-one-of-its-shades', name: 'X', stock: 1 }] })).rejects.toMatchObject({ code: 'invalid' })
      const plain = await patchProduct(core, p.id, { variants: [], stock: 7 })
      expect(plain.variants).toBeUndefined()
      expect(plain.stock).toBe(7)
      const order = await placeOrder(core, { userId: 'u' }, { items: [{ productId: p.id, quantity: 1 }], shipping })
      expect(order.items[0]!.variantId).toBeUndefined()
    })

    it('imports shades by variantOf, keeps their ids on re-import, and sets a shade\'s stock by its SKU', async () => {
      const tag = Date.now().toString(36)
      const csv = (coralStock: number) => [
        'sku,name,priceCents,currency,stock,variantOf,swatch',
        `LIP-${tag},Velvet Lipstick,2200,EUR,,,`,
        `LIP-${tag}-ROSE,Rose,,,5,LIP-${tag},#b4475a`,
        `LIP-${tag}-CORAL,Coral,2400,,${coralStock},LIP-${tag},#FF7F50`,
      ].join('\n')
      expect(await importProducts(core, 'csv', csv(8))).toEqual({ created: 1, updated: 0 })
      const [imported] = (await store.listProducts()).filter(q => q.sku === `LIP-${tag}`)
      expect(imported!.variants).toEqual([
        { id: expect.any(String), name: 'Rose', sku: `LIP-${tag}-ROSE`, swatch: '#b4475a', stock: 5 },
        { id: expect.any(String), name: 'Coral', sku: `LIP-${tag}-CORAL`, swatch: '#ff7f50', stock: 8, priceCents: 2400 },
      ])
      expect(imported!.stock).toBe(13)
      expect(await importProducts(core, 'csv', csv(1))).toEqual({ created: 0, updated: 1 })
      const [again] = await store.getProducts([imported!.id])
      expect(again!.variants!.map(variant => [variant.id, variant.stock])).toEqual(imported!.variants!.map(variant => [variant.id, variant.name === 'Coral' ? 1 : 5]))
      expect(await setStockBySku(core, [{ sku: `LIP-${tag}-ROSE`, stock: 40 }, { sku: `NOPE-${tag}`, stock: 1 }])).toEqual({ updated: 1, unknown: [`NOPE-${tag}`] })
      const [stocked] = await store.getProducts([imported!.id])
      expect(stocked!.variants!.map(variant => variant.stock)).toEqual([40, 1])
      expect(stocked!.stock).toBe(41)
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
