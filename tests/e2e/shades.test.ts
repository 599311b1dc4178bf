// Shades in Chromium: the host gives a lipstick its shades in the studio (colour, name, stock,
// price); a customer on a phone picks one by its swatch, sees its price and stock, and buys it; the
// stock taken is that shade's; the replay's chapter shows the shades and sells by shade too. Screenshots: the card with its swatches on the phone, the studio form.
import { describe, expect, it } from 'vitest'
import { adminToken, api, createProduct, liveStream } from '../support/api'
import { adminContext, appURL, screenshot, useChromium, watchedPage } from '../support/browser'
import { giveName, openLivePage } from '../support/customer-page'
import { uploadReplay } from '../support/replay'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }

interface Variant { id: string, name: string, swatch?: string, stock: number, priceCents?: number }
const productOf = async (id: string) => (await api<{ product: { stock: number, variants?: Variant[] } }>(`/api/products/${id}`)).body.product

describe('shades in the browser', () => {
  const chromium = useChromium()

  it('the host gives a product its shades in the studio, and edits one without losing it', { timeout: 60_000 }, async () => {
    const context = await adminContext(chromium())
    const { page, problems } = await watchedPage(context)
    await page.goto(appURL('/studio'), { waitUntil: 'networkidle' })
    const name = `Velvet Lipstick ${Date.now()}`
    await page.getByRole('button', { name: '+ New product' }).click()
    const form = page.getByRole('form', { name: 'New product' })
    await form.getByLabel('Name', { exact: true }).fill(name)
    await form.getByLabel('Price', { exact: true }).fill('22')
    for (const [index, [shade, colour, stock, price]] of [['Rose', '#b4475a', '4', ''], ['Coral', '#ff7f50', '6', '24']].entries()) {
      await form.getByRole('button', { name: 'Add shade' }).click()
      await form.getByLabel(`Name of shade ${index + 1}`).fill(shade!)
      await form.getByLabel(`Colour of shade ${index + 1}`).fill(colour!)
      await form.getByLabel(`Stock of shade ${index + 1}`).fill(stock!)
      await form.getByLabel(`Price of shade ${index + 1}`).fill(price!)
    }
    // With shades, the product has no stock field of its own: it shows theirs.
    expect(await form.getByLabel('Stock', { exact: true }).count()).toBe(0)
    expect(await form.textContent()).toContain('Stock: 10 in all shades')
    await screenshot(page, 'studio-shades')
    await form.getByRole('button', { name: 'Add product' }).click()
    const card = page.getByRole('listitem').filter({ hasText: name })
    await expect.poll(() => card.textContent()).toContain('10 in stock · 2 shades')

    const { id } = (await api<{ items: Array<{ id: string, name: string }> }>('/api/products')).body.items.find(product => product.name === name)!
    const created = await productOf(id)
    expect(created.variants).toEqual([
      { id: expect.any(String), name: 'Rose', swatch: '#b4475a', stock: 4 },
      { id: expect.any(String), name: 'Coral', swatch: '#ff7f50', stock: 6, priceCents: 2400 },
    ])

    // An edit renames a shade and removes the other: the kept one keeps its id (a cart may hold it).
    await card.getByRole('button', { name: 'Edit' }).click()
    const edit = page.getByRole('form', { name: `Edit ${name}` })
    await edit.getByRole('button', { name: 'Remove shade Rose' }).click()
    await edit.getByLabel('Name of shade 1').fill('Coral Reef')
    await edit.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.getByRole('listitem').filter({ hasText: name }).textContent()).toContain('6 in stock · 1 shades')
    expect((await productOf(id)).variants).toEqual([{ ...created.variants![1], name: 'Coral Reef' }])
    expect(problems()).toEqual([])
    await context.close()
  })

  it('a customer on a phone picks a shade by its swatch and buys it; only that shade\'s stock is taken', { timeout: 90_000 }, async () => {
    const product = await createProduct({
      name: `Satin Lip ${Date.now()}`,
      priceCents: 2200,
      stock: undefined,
      variants: [
        { name: 'Rose', swatch: '#b4475a', stock: 4 },
        { name: 'Coral', swatch: '#ff7f50', stock: 6, priceCents: 2400 },
        { name: 'Plum', swatch: '#5d2747', stock: 0 },
      ],
    })
    const [rose, coral, plum] = (await productOf(product.id)).variants!
    const show = await liveStream()
    expect((await api(`/api/livestreams/${show.id}/pin-product`, { token: adminToken(), body: { productId: product.id, pinned: true } })).status).toBe(200)

    const phone = await chromium().newContext(PHONE)
    const { page, problems } = await openLivePage(phone, show.id)
    const card = page.getByTestId(`product-card-${product.id}`)
    const add = card.getByRole('button', { name: /Choose a shade|Add to cart/ })
    await expect.poll(() => add.textContent(), { timeout: 10_000 }).toContain('Choose a shade')
    expect(await add.isDisabled()).toBe(true)
    // A sold-out shade is shown but cannot be picked.
    expect(await card.getByTestId(`swatch-${plum!.id}`).isDisabled()).toBe(true)
    expect(await card.getByRole('radio', { name: 'Plum, sold out' }).count()).toBe(1)

    // The swatch is a 32 px chip: big enough for a thumb, tapped where it is drawn.
    const chip = card.getByTestId(`swatch-${coral!.id}`).locator('xpath=following-sibling::span[1]')
    const box = (await chip.boundingBox())!
    expect(box.width).toBeGreaterThanOrEqual(32)
    await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2)
    await expect.poll(() => card.getByTestId('shade-name').textContent()).toBe('Coral')
    expect(await card.textContent()).toContain('€24.00')
    expect(await card.getByTestId('product-stock').textContent()).toBe('6 in stock')
    expect(await chip.evaluate(element => getComputedStyle(element).backgroundColor)).toBe('rgb(255, 127, 80)')
    await screenshot(page, 'shades-phone')

    await add.tap()
    await page.getByTestId('open-cart').tap()
    expect(await page.getByTestId('cart-shade').textContent()).toContain('Coral')
    expect(await page.getByTestId('cart-total').textContent()).toBe('€24.00')
    await page.getByLabel('Full name').fill('Inès Moreau')
    await page.getByLabel('Email').fill('ines@example.com')
    await page.getByLabel('Delivery address').fill('3 Rue Oberkampf, Paris')
    await page.getByRole('button', { name: 'Place order' }).tap()
    await giveName(page, 'Inès')
    await page.getByRole('button', { name: 'Place order' }).tap()
    await expect.poll(() => page.getByTestId('order-placed').textContent()).toContain('€24.00')

    const after = await productOf(product.id)
    expect(after.variants!.map(variant => [variant.id, variant.stock])).toEqual([[rose!.id, 4], [coral!.id, 5], [plum!.id, 0]])
    expect(after.stock).toBe(9)
    const [order] = (await api<{ items: Array<{ items: unknown[] }> }>(`/api/orders?livestreamId=${show.id}`, { token: adminToken() })).body.items
    expect(order!.items).toEqual([{ productId: product.id, variantId: coral!.id, variantName: 'Coral', name: expect.stringContaining('Satin Lip'), priceCents: 2400, quantity: 1 }])
    // The live card follows: the Coral stock the card shows drops by one.
    await page.keyboard.press('Escape')
    await expect.poll(() => card.getByTestId('product-stock').textContent()).toBe('5 in stock')

    // The replay: the product's chapter shows its shades, and its card over the video sells by shade too.
    expect((await api(`/api/livestreams/${show.id}/stop`, { method: 'POST', token: adminToken() })).status).toBe(200)
    await uploadReplay(show.id, 6)
    await page.goto(appURL(`/live/${show.id}`), { waitUntil: 'networkidle' })
    const chapter = page.getByTestId(`chapter-${product.id}`)
    await chapter.waitFor({ timeout: 15_000 })
    expect(await chapter.getByLabel('3 shades').locator('span').count()).toBe(3)
    await chapter.tap()
    const replayCard = page.getByTestId('replay-now-showing').getByTestId(`product-card-${product.id}`)
    await expect.poll(() => replayCard.getByTestId(`shades-${product.id}`).isVisible(), { timeout: 10_000 }).toBe(true)
    await replayCard.getByRole('radio', { name: 'Rose' }).check({ force: true })
    await replayCard.getByRole('button', { name: /Add to cart/ }).tap()
    await page.getByTestId('open-cart').tap()
    expect(await page.getByTestId('cart-shade').textContent()).toContain('Rose')
    expect(problems()).toEqual([])
    await phone.close()
  })
})
