// The player on a brand's own site, in Chromium: a product page on another site (127.0.0.1, while
// the app is on localhost) embeds a live show with /embed.js, hears wrencos:ready,
// wrencos:product-click and wrencos:add-to-cart (cart="external") or wrencos:order (its own
// cart), and its customer chats from inside the frame without any cookie of ours. A page on an
// origin that is not allowed is refused.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { appURL, screenshot, useAppServer, useChromium, watchedPage } from '../support/browser'
import { startServer, type RunningServer } from '../support/server'

let app: RunningServer
let admin: string
const pages: Server[] = []

/** A brand's product page on 127.0.0.1:<port> with the show in a 390 x 700 box. */
async function brandPage(cart: 'external' | 'internal' = 'external'): Promise<{ port: number, serve: (show: string) => void }> {
  let show = ''
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8')
    response.end(`<!doctype html><html><head><title>Peony Blush · Brand</title></head><body style="margin:0;font-family:sans-serif">
<h1 style="margin:16px">Peony Blush</h1>
<div id="box" style="width:390px;height:700px;margin:16px"><wrencos-live show="${show}"${cart === 'external' ? ' cart="external"' : ''}></wrencos-live></div>
<script>window.heard = []; window.answer = { ok: true }; for (const type of ['wrencos:ready', 'wrencos:product-click', 'wrencos:add-to-cart', 'wrencos:order']) document.addEventListener(type, event => { window.heard.push({ type, detail: { ...event.detail, respond: undefined } }); if (type === 'wrencos:add-to-cart') event.detail.respond(window.answer) })</script>
<script src="${appURL('/embed.js')}"></script>
</body></html>`)
  })
  pages.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as AddressInfo).port, serve: (id: string) => (show = id) }
}

const heard = (page: Page) => page.evaluate(() => (window as unknown as { heard: Array<{ type: string, detail: any }> }).heard) // eslint-disable-line @typescript-eslint/no-explicit-any

let brand: Awaited<ReturnType<typeof brandPage>>
let stranger: Awaited<ReturnType<typeof brandPage>>
let shop: Awaited<ReturnType<typeof brandPage>>
beforeAll(async () => {
  brand = await brandPage()
  stranger = await brandPage()
  shop = await brandPage('internal')
  app = await startServer({ NUXT_EMBED_ORIGINS: `http://127.0.0.1:${brand.port},http://127.0.0.1:${shop.port}` })
  admin = (await api('/api/auth/login', { base: app.baseURL, body: { email: app.env.NUXT_ADMIN_EMAIL, password: app.env.NUXT_ADMIN_PASSWORD } })).body.token
  useAppServer({ baseURL: app.baseURL, adminToken: admin })
})
afterAll(async () => {
  await app?.stop()
  for (const server of pages) await new Promise(resolve => server.close(resolve))
})

describe('the player on a brand\'s site', () => {
  const chromium = useChromium()

  it('plays in a page of an allowed origin, hands add-to-cart to it or checks out itself, and lets its customer chat; another origin is refused', { timeout: 90_000 }, async () => {
    const base = app.baseURL
    const { product } = (await api('/api/products', { base, token: admin, body: { name: 'Peony Blush', priceCents: 2400, currency: 'EUR', stock: 8 } })).body
    const { livestream } = (await api('/api/livestreams', { base, token: admin, body: { title: 'Blush live', quality: '480p' } })).body
    await api(`/api/livestreams/${livestream.id}/start`, { base, method: 'POST', token: admin })
    brand.serve(livestream.id)
    stranger.serve(livestream.id)
    shop.serve(livestream.id)

    const context = await chromium().newContext({ viewport: { width: 430, height: 900 } })
    const { page, problems } = await watchedPage(context)
    await page.goto(`http://127.0.0.1:${brand.port}/`, { waitUntil: 'load' })
    await expect.poll(async () => (await heard(page)).map(event => event.type), { timeout: 15_000 }).toContain('wrencos:ready')
    expect((await heard(page))[0]!.detail).toMatchObject({ show: livestream.id, status: 'live' })
    // Sized by its container.
    const frameBox = await page.locator('wrencos-live').boundingBox()
    expect(Math.round(frameBox!.width)).toBe(390)
    expect(Math.round(frameBox!.height)).toBe(700)

    const frame = page.frameLocator('wrencos-live iframe')
    // The host shows the product: its card appears, and the chat below it does not move.
    const chatList = frame.getByTestId('chat-list')
    await chatList.waitFor()
    const chatTop = (await chatList.boundingBox())!.y
    await api(`/api/livestreams/${livestream.id}/pin-product`, { base, token: admin, body: { productId: product.id, pinned: true } })
    const card = frame.getByTestId(`product-card-${product.id}`)
    await card.waitFor({ timeout: 10_000 })
    expect(Math.abs((await chatList.boundingBox())!.y - chatTop)).toBeLessThan(1)
    // The add-to-cart button is reachable from the keyboard; the brand's page gets the product.
    await card.getByRole('button', { name: /Add to cart/ }).focus()
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await heard(page)).find(event => event.type === 'wrencos:add-to-cart')?.detail).toMatchObject({ product: { id: product.id, name: 'Peony Blush', priceCents: 2400 }, quantity: 1 })
    await expect.poll(() => frame.getByText('Peony Blush was added to your bag').isVisible()).toBe(true)
    expect(await frame.getByTestId('open-cart').count()).toBe(0)
    // The brand's cart tells the player what it holds.
    await page.evaluate(() => (document.querySelector('wrencos-live') as unknown as { syncCart: (cart: unknown) => void }).syncCart({ items: [{ sku: 'PEONY', quantity: 2 }] }))
    await expect.poll(() => frame.getByTestId('brand-cart').textContent()).toBe('Bag: 2')
    // The brand refuses the next one: its shop has none left; the player says so.
    await page.evaluate(() => ((window as unknown as { answer: unknown }).answer = { ok: false, reason: 'out_of_stock' }))
    await card.getByRole('button', { name: /Add to cart/ }).click()
    await expect.poll(() => frame.getByTestId('cart-notice').textContent()).toBe('Peony Blush is sold out in the shop')
    await screenshot(page, 'embed-brand-refuses')
    await card.getByRole('button', { name: 'Peony Blush', exact: true }).click()
    await expect.poll(async () => (await heard(page)).some(event => event.type === 'wrencos:product-click' && event.detail.product.id === product.id)).toBe(true)

    // Chat from inside the frame: a guest whose session is a token, not a cookie (a third-party frame keeps none).
    await frame.getByLabel('Message').fill('Does it suit fair skin?')
    await frame.getByRole('button', { name: 'Send', exact: true }).click()
    await frame.getByLabel('Your name in the chat').fill('Noor')
    await frame.getByRole('button', { name: 'Join the chat' }).click()
    await expect.poll(() => frame.getByTestId('chat-list').textContent(), { timeout: 10_000 }).toContain('Does it suit fair skin?')
    const chat = (await api(`/api/livestreams/${livestream.id}/chat`, { base })).body.items
    expect(chat.at(-1)).toMatchObject({ message: 'Does it suit fair skin?', user: { displayName: 'Noor', role: 'customer' } })
    await screenshot(page, 'embed-foreign-page')
    expect(problems()).toEqual([])

    // The brand's confirmation page, later, on the same site: the purchase counts for the show watched here, once.
    const purchase = () => page.evaluate(() => (window as unknown as { wrencos: { purchase: (order: unknown) => Promise<unknown> } }).wrencos.purchase({ orderId: 'brand-order-1001', totalCents: 4800, currency: 'EUR', items: [{ sku: 'PEONY', quantity: 2, priceCents: 2400 }] }))
    expect(await purchase()).toEqual({ recorded: true })
    expect(await purchase()).toEqual({ recorded: false })
    const analytics = (await api(`/api/livestreams/${livestream.id}/analytics`, { base, token: admin })).body
    expect(analytics.funnel.elsewhere).toEqual({ orders: 1, totals: [{ currency: 'EUR', totalCents: 4800 }] })
    // From a site that may not frame the player, a report is refused.
    const forged = await fetch(`${base}/api/livestreams/${livestream.id}/attributions`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'origin': `http://127.0.0.1:${stranger.port}` }, body: JSON.stringify({ orderId: 'forged-1', totalCents: 1, currency: 'EUR' }),
    })
    expect(forged.status).toBe(403)

    // A page on an origin that is not in NUXT_EMBED_ORIGINS: the browser refuses to frame the player.
    const other = await context.newPage()
    await other.goto(`http://127.0.0.1:${stranger.port}/`, { waitUntil: 'load' })
    await other.waitForTimeout(3000)
    expect(await heard(other)).toEqual([])
    const framed = other.frames().find(candidate => candidate !== other.mainFrame())
    expect(framed?.url() ?? '').not.toContain('/embed/')
    const headers = (await fetch(`${base}/embed/${livestream.id}`)).headers
    expect(headers.get('content-security-policy')).toContain(`frame-ancestors http://127.0.0.1:${brand.port} http://127.0.0.1:${shop.port};`)
    expect(headers.get('x-frame-options')).toBeNull()
    // Everything else still refuses to be framed at all.
    expect((await fetch(`${base}/live/${livestream.id}`)).headers.get('x-frame-options')).toBe('DENY')

    // Without cart="external" the player checks out itself, and tells the page around it of the order.
    const store = await context.newPage()
    await store.goto(`http://127.0.0.1:${shop.port}/`, { waitUntil: 'load' })
    await expect.poll(async () => (await heard(store)).map(event => event.type), { timeout: 15_000 }).toContain('wrencos:ready')
    const own = store.frameLocator('wrencos-live iframe')
    await own.getByTestId(`product-card-${product.id}`).getByRole('button', { name: /Add to cart/ }).click()
    await own.getByTestId('open-cart').click()
    await own.getByLabel('Full name').fill('Noor Haddad')
    await own.getByLabel('Email').fill('noor@example.com')
    await own.getByLabel('Delivery address').fill('4 Rue Oberkampf, Paris')
    await own.getByRole('button', { name: 'Place order' }).click()
    // A new page, a new guest: the frame asks for a name first.
    await own.getByLabel('Your name in the chat').fill('Noor')
    await own.getByRole('button', { name: 'Join the chat' }).click()
    await own.getByRole('button', { name: 'Place order' }).click()
    await expect.poll(() => own.getByTestId('order-placed').textContent(), { timeout: 10_000 }).toContain('€24.00')
    const ordered = (await heard(store)).find(event => event.type === 'wrencos:order')
    expect(ordered?.detail.order).toMatchObject({ livestreamId: livestream.id, totalCents: 2400, items: [{ productId: product.id, quantity: 1 }] })
    await context.close()
  })
})
