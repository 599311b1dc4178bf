import { describe, expect, it } from 'vitest'
import { adminToken, api, createProduct, createStream, guest } from '../support/api'

const admin = () => ({ token: adminToken() })
const UNKNOWN = 'ffffffffffffffffffffffff'
const shipping = { name: 'Ines Duarte', email: 'ines@example.com', address: '12 Rua Augusta, Lisboa' }

describe('products', () => {
  it('creates (201), reads, lists, patches and deletes (204) a product', async () => {
    const created = await api('/api/products', { ...admin(), body: { name: 'Silk Primer', description: 'Blurs pores', priceCents: 2750, currency: 'eur', stock: 12, sku: 'SP-1', imageUrl: 'https://cdn.example.com/primer.jpg' } })
    expect(created.status).toBe(201)
    const product = created.body.product
    expect(product).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'Silk Primer',
      description: 'Blurs pores',
      priceCents: 2750,
      currency: 'EUR',
      stock: 12,
      sku: 'SP-1',
      imageUrl: 'https://cdn.example.com/primer.jpg',
      createdAt: expect.any(String),
    })
    expect((await api(`/api/products/${product.id}`)).body.product).toEqual(product)
    expect((await api('/api/products')).body.items).toContainEqual(product)
    const patched = await api(`/api/products/${product.id}`, { method: 'PATCH', ...admin(), body: { priceCents: 2500, sku: null } })
    expect(patched.status).toBe(200)
    expect(patched.body.product).toMatchObject({ priceCents: 2500, name: 'Silk Primer' })
    expect(patched.body.product.sku).toBeUndefined()
    expect((await api(`/api/products/${product.id}`, { method: 'DELETE', ...admin() })).status).toBe(204)
    expect((await api(`/api/products/${product.id}`)).status).toBe(404)
    expect((await api('/api/products')).body.items.map((p: { id: string }) => p.id)).not.toContain(product.id)
    expect((await api(`/api/products/${product.id}`, { method: 'DELETE', ...admin() })).status).toBe(404)
  })

  it.each([
    [{ priceCents: 10, currency: 'EUR', stock: 1 }, 'name'],
    [{ name: 'x', priceCents: 10.5, currency: 'EUR', stock: 1 }, 'priceCents'],
    [{ name: 'x', priceCents: -1, currency: 'EUR', stock: 1 }, 'priceCents'],
    [{ name: 'x', priceCents: 10, currency: 'euro', stock: 1 }, 'currency'],
    [{ name: 'x', priceCents: 10, currency: 'EUR', stock: -2 }, 'stock'],
    [{ name: 'x', priceCents: '10', currency: 'EUR', stock: 1 }, 'priceCents'],
    [{ name: 'x', priceCents: 10, currency: 'EUR', stock: 1, imageUrl: 'javascript:alert(1)' }, 'imageUrl'],
    [{ name: { $gt: '' }, priceCents: 10, currency: 'EUR', stock: 1 }, 'name'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const response = await api('/api/products', { ...admin(), body })
    expect(response.status).toBe(400)
    expect(response.body.data.issues.map((issue: { path: string[] }) => issue.path[0])).toContain(field)
  })

  it('answers 404 when patching an unknown product', async () => {
    expect((await api(`/api/products/${UNKNOWN}`, { method: 'PATCH', ...admin(), body: { stock: 3 } })).status).toBe(404)
  })

  it('a deleted product is unpinned but stays in the replay history', async () => {
    const stream = await createStream()
    await api(`/api/livestreams/${stream.id}/start`, { method: 'POST', ...admin() })
    const product = await createProduct({ name: 'Soon gone' })
    await api(`/api/livestreams/${stream.id}/pin-product`, { ...admin(), body: { productId: product.id, pinned: true } })
    await api(`/api/products/${product.id}`, { method: 'DELETE', ...admin() })
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.pinnedProducts).toEqual([])
    const pins = await api(`/api/livestreams/${stream.id}/pins`)
    expect(pins.body.items.map((p: { product: { name: string } }) => p.product.name)).toEqual(['Soon gone'])
  })
})

describe('orders', () => {
  it('places an order (201) tied to a stream and takes the stock', async () => {
    const stream = await createStream()
    const product = await createProduct({ stock: 4, priceCents: 1200 })
    const { token, user } = await guest('Buyer')
    const response = await api('/api/orders', { token, body: { livestreamId: stream.id, items: [{ productId: product.id, quantity: 3 }], shipping } })
    expect(response.status).toBe(201)
    expect(response.body.order).toEqual({
      id: expect.any(String),
      userId: user.id,
      livestreamId: stream.id,
      items: [{ productId: product.id, name: 'Test lipstick', priceCents: 1200, quantity: 3 }],
      totalCents: 3600,
      currency: 'EUR',
      shipping,
      status: 'placed',
      createdAt: expect.any(String),
    })
    expect((await api(`/api/products/${product.id}`)).body.product.stock).toBe(1)
    const listed = await api(`/api/orders?livestreamId=${stream.id}`, admin())
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual([response.body.order.id])
  })

  it('answers 409 when stock is short, and then takes nothing', async () => {
    const plenty = await createProduct({ stock: 10 })
    const scarce = await createProduct({ stock: 1 })
    const { token } = await guest()
    const response = await api('/api/orders', { token, body: { items: [{ productId: plenty.id, quantity: 2 }, { productId: scarce.id, quantity: 2 }], shipping } })
    expect(response.status).toBe(409)
    expect(response.body.data.shortages).toEqual([{ productId: scarce.id, requested: 2, available: 1 }])
    expect((await api(`/api/products/${plenty.id}`)).body.product.stock).toBe(10)
    expect((await api(`/api/products/${scarce.id}`)).body.product.stock).toBe(1)
  })

  it('sells the last item once when many customers order it at the same moment', async () => {
    const last = await createProduct({ stock: 1 })
    const buyers = await Promise.all(Array.from({ length: 8 }, (_, i) => guest(`Racer ${i}`)))
    const results = await Promise.all(buyers.map(({ token }) =>
      api('/api/orders', { token, body: { items: [{ productId: last.id, quantity: 1 }], shipping } })))
    expect(results.map(r => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409])
    expect((await api(`/api/products/${last.id}`)).body.product.stock).toBe(0)
  })

  it('refuses anonymous (401), unknown products or streams (404), and bad bodies (400)', async () => {
    const product = await createProduct()
    const { token } = await guest()
    const order = (body: unknown, auth: string | null = token) => api('/api/orders', { token: auth ?? undefined, body })
    expect((await order({ items: [{ productId: product.id, quantity: 1 }], shipping }, null)).status).toBe(401)
    expect((await order({ items: [{ productId: UNKNOWN, quantity: 1 }], shipping })).status).toBe(404)
    expect((await order({ livestreamId: UNKNOWN, items: [{ productId: product.id, quantity: 1 }], shipping })).status).toBe(404)
    expect((await order({ items: [], shipping })).status).toBe(400)
    expect((await order({ items: [{ productId: product.id, quantity: 0 }], shipping })).status).toBe(400)
    expect((await order({ items: [{ productId: product.id, quantity: 1 }], shipping: { ...shipping, email: 'nope' } })).status).toBe(400)
    expect((await order({ items: [{ productId: { $ne: null }, quantity: 1 }], shipping })).status).toBe(400)
    expect((await api(`/api/products/${product.id}`)).body.product.stock).toBe(10)
  })

  it('lists orders for admins only', async () => {
    const { token } = await guest()
    expect((await api('/api/orders', { token })).status).toBe(403)
    expect((await api('/api/orders')).status).toBe(401)
    const all = await api('/api/orders', admin())
    expect(all.status).toBe(200)
    expect(Array.isArray(all.body.items)).toBe(true)
    expect((await api('/api/orders?livestreamId=%24gt', admin())).status).toBe(400)
  })

  it('limits how fast one customer can order (429 with Retry-After)', async () => {
    const product = await createProduct({ stock: 100 })
    const { token } = await guest()
    const statuses = []
    let retryAfter = null
    for (let i = 0; i < 6; i++) {
      const response = await api('/api/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }], shipping } })
      statuses.push(response.status)
      retryAfter ??= response.headers.get('retry-after')
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429])
    expect(Number(retryAfter)).toBeGreaterThan(0)
    expect((await api(`/api/products/${product.id}`)).body.product.stock).toBe(95)
  })
})
