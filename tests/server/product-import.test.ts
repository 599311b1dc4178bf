// The brand's catalogue from its shop (PROTOCOL.md, "Catalogue"): CSV or JSON, upserted by SKU,
// all or nothing with line-numbered errors, and stock set by SKU from the brand's system.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api as sharedApi, type ApiOptions } from '../support/api'
import { startServer, type RunningServer } from '../support/server'

// A server of its own: thousands of imported products would crowd the shared server's catalogue
// (and every studio page of the browser tests).
let server: RunningServer
let token: string
beforeAll(async () => {
  server = await startServer()
  token = (await sharedApi('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token
})
afterAll(() => server?.stop())

const api = (path: string, options: ApiOptions = {}) => sharedApi(path, { base: server.baseURL, ...options })
const admin = () => ({ token })
const guest = async () => (await api('/api/auth/guest', { body: { displayName: 'Browsing' } })).body as { token: string }
const csv = (text: string, query = '') => api(`/api/products/import${query}`, { ...admin(), method: 'POST', raw: text, contentType: 'text/csv; charset=utf-8' })
const skus = async (prefix: string) => ((await api('/api/products')).body.items as Array<{ sku?: string, name: string, priceCents: number, stock: number, description: string, imageUrl?: string, variants?: unknown[] }>)
  .filter(product => product.sku?.startsWith(prefix))

describe('importing the catalogue', () => {
  it('takes 2,000 rows in one go, and a second import updates them instead of adding them again', async () => {
    const prefix = `BULK-${Date.now()}-`
    const rows = (price: number) => ['sku,name,description,priceCents,currency,stock,imageUrl', ...Array.from({ length: 2000 }, (_, n) =>
      `${prefix}${n},Velvet Lipstick ${n},Shade ${n},${price + n},EUR,${n % 50},https://cdn.example.com/lip-${n}.jpg`)].join('\n')
    const first = await csv(rows(1000))
    expect(first.status, JSON.stringify(first.body)).toBe(200)
    expect(first.body).toEqual({ created: 2000, updated: 0 })
    const again = await csv(rows(2000))
    expect(again.body).toEqual({ created: 0, updated: 2000 })
    const imported = await skus(prefix)
    expect(imported).toHaveLength(2000)
    expect(imported.find(product => product.sku === `${prefix}7`)).toMatchObject({ name: 'Velvet Lipstick 7', priceCents: 2007, stock: 7, imageUrl: 'https://cdn.example.com/lip-7.jpg' })
  }, 60_000)

  it('changes nothing when one row is bad, and names each bad line and field', async () => {
    const prefix = `BAD-${Date.now()}-`
    const answer = await csv([
      'sku,name,priceCents,currency,stock',
      `${prefix}1,Good one,1500,EUR,3`,
      `${prefix}2,Bad price,abc,EUR,3`,
      `${prefix}3,,1500,EURO,-1`,
      `${prefix}1,Same SKU again,1500,EUR,3`,
    ].join('\n'))
    expect(answer.status).toBe(400)
    expect(answer.body.message).toMatch(/nothing was imported/)
    expect(answer.body.data.errors).toEqual([
      { line: 3, field: 'priceCents', message: 'a whole number' },
      { line: 4, field: 'name', message: 'required' },
      { line: 4, field: 'currency', message: 'an ISO 4217 code such as EUR' },
      { line: 4, field: 'stock', message: expect.any(String) },
      { line: 5, field: 'sku', message: 'the same SKU as line 2' },
    ])
    expect(await skus(prefix)).toEqual([])
    // An unknown column, a shade of a product not in the file, a swatch on a product, a bad colour.
    const odd = await csv(`sku,name,priceCents,currency,stock,colour\n${prefix}9,X,1,EUR,1,red`)
    expect(odd.body.data.errors).toEqual([{ line: 1, field: 'colour', message: expect.stringMatching(/^unknown column/) }])
    const shades = await csv([
      'sku,name,priceCents,currency,stock,variantOf,swatch',
      `${prefix}10,Lipstick,2200,EUR,,,`,
      `${prefix}11,Rose,,,1,${prefix}7,#ff0000`,
      `${prefix}12,Blush,1800,EUR,3,,#ff0000`,
      `${prefix}13,Coral,,,2,${prefix}10,red`,
      `${prefix}14,Nude,,,2,${prefix}11,`,
    ].join('\n'))
    expect(shades.body.data.errors).toEqual([
      { line: 2, field: 'stock', message: 'required (or shades with theirs)' },
      { line: 3, field: 'variantOf', message: `no product with SKU ${prefix}7 in this file` },
      { line: 4, field: 'swatch', message: expect.stringMatching(/shade/) },
      { line: 5, field: 'swatch', message: 'a colour such as #b4475a' },
      { line: 6, field: 'variantOf', message: 'names a shade, not a product' },
    ])
    expect(await skus(prefix)).toEqual([])
  })

  it('imports a product with its shades, which are then bought by shade: a line without one is 400', async () => {
    const prefix = `SHADE-${Date.now()}-`
    const answer = await csv([
      'sku,name,description,priceCents,currency,stock,imageUrl,variantOf,swatch',
      `${prefix}LIP,Velvet Lipstick,Twelve shades,2200,EUR,,,,`,
      `${prefix}ROSE,Rose,,,,4,,${prefix}LIP,#b4475a`,
      `${prefix}CORAL,Coral,,2400,,6,,${prefix}LIP,#ff7f50`,
    ].join('\n'))
    expect(answer.body).toEqual({ created: 1, updated: 0 })
    const [lipstick] = (await api('/api/products')).body.items.filter((product: { sku?: string }) => product.sku === `${prefix}LIP`)
    expect(lipstick).toMatchObject({ stock: 10, variants: [{ name: 'Rose', swatch: '#b4475a', stock: 4 }, { name: 'Coral', priceCents: 2400, stock: 6 }] })
    const customer = await guest()
    const shipping = { name: 'Ada', email: 'ada@example.com', address: '1 Rue de la Paix, Paris' }
    const without = await api('/api/orders', { token: customer.token, body: { items: [{ productId: lipstick.id, quantity: 1 }], shipping } })
    expect(without.status).toBe(400)
    expect(without.body.data).toMatchObject({ reason: 'variant_required', productId: lipstick.id })
    const coral = lipstick.variants[1].id
    const order = await api('/api/orders', { token: customer.token, body: { items: [{ productId: lipstick.id, variantId: coral, quantity: 2 }], shipping } })
    expect(order.status, JSON.stringify(order.body)).toBe(201)
    expect(order.body.order.items).toEqual([{ productId: lipstick.id, variantId: coral, variantName: 'Coral', name: 'Velvet Lipstick', priceCents: 2400, quantity: 2 }])
    const stock = await api('/api/products/stock', { ...admin(), body: { items: [{ sku: `${prefix}ROSE`, stock: 0 }] } })
    expect(stock.body).toEqual({ updated: 1, unknown: [] })
    expect((await skus(prefix))[0]).toMatchObject({ stock: 4, variants: [{ stock: 0 }, { stock: 4 }] })
  })

  it('reads what spreadsheets write: a BOM, CRLF, quoted commas and quotes, blank lines, and formula-looking text as text', async () => {
    const prefix = `XLS-${Date.now()}-`
    const text = `\uFEFFsku,name,description,priceCents,currency,stock\r\n${prefix}1,"Rose, matte","Say ""hello""\r\nsecond line",2400,eur,5\r\n\r\n${prefix}2,"=HYPERLINK(""x"")",@SUM(1),100,EUR,1\r\n`
    const answer = await csv(text)
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
    expect(answer.body).toEqual({ created: 2, updated: 0 })
    const [rose, formula] = (await skus(prefix)).sort((a, b) => a.sku!.localeCompare(b.sku!))
    expect(rose).toMatchObject({ name: 'Rose, matte', description: 'Say "hello"\r\nsecond line', priceCents: 2400, stock: 5 })
    expect(formula).toMatchObject({ name: '=HYPERLINK("x")', description: '@SUM(1)' })
  })

  it('takes JSON too, checks without importing on a dry run, and sets stock by SKU for the brand\'s system', async () => {
    const prefix = `JSON-${Date.now()}-`
    const items = [{ sku: `${prefix}1`, name: 'Peach blush', priceCents: 1800, currency: 'EUR', stock: 4 }, { sku: `${prefix}2`, name: 'Glow serum', priceCents: 3400, currency: 'EUR', stock: 9 }]
    const dry = await api('/api/products/import?dryRun=true', { ...admin(), body: { items } })
    expect(dry.body).toMatchObject({ created: 0, updated: 0, valid: 2, dryRun: true, preview: items })
    expect(await skus(prefix)).toEqual([])
    const bad = await api('/api/products/import', { ...admin(), body: { items: [items[0], { ...items[1], priceCents: -5 }] } })
    expect(bad.status).toBe(400)
    expect(bad.body.data.errors).toEqual([{ line: 2, field: 'priceCents', message: expect.any(String) }])
    expect((await api('/api/products/import', { ...admin(), body: { items } })).body).toEqual({ created: 2, updated: 0 })

    const stock = await api('/api/products/stock', { ...admin(), body: { items: [{ sku: `${prefix}1`, stock: 40 }, { sku: `${prefix}unknown`, stock: 3 }] } })
    expect(stock.status).toBe(200)
    expect(stock.body).toEqual({ updated: 1, unknown: [`${prefix}unknown`] })
    expect((await skus(prefix)).map(product => [product.sku, product.stock]).sort()).toEqual([[`${prefix}1`, 40], [`${prefix}2`, 9]])
  })

  it('is the admin\'s, and takes CSV or JSON only', async () => {
    const customer = await guest()
    expect((await api('/api/products/import', { token: customer.token, method: 'POST', raw: 'sku,name\n', contentType: 'text/csv' })).status).toBe(403)
    expect((await api('/api/products/stock', { token: customer.token, body: { items: [{ sku: 'X', stock: 1 }] } })).status).toBe(403)
    expect((await api('/api/products/import', { ...admin(), method: 'POST', raw: 'sku;name', contentType: 'text/plain' })).status).toBe(415)
    expect((await api('/api/products/stock', { ...admin(), body: { items: [{ sku: 'X', stock: -1 }] } })).status).toBe(400)
    expect((await api('/api/products/import', { ...admin(), method: 'POST', raw: 'sku,name\n"unclosed,x\n', contentType: 'text/csv' })).status).toBe(400)
  })
})
