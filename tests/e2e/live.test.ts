import type { BrowserContext } from 'playwright'
import { describe, expect, it } from 'vitest'
import { adminToken, api, createProduct, createStream } from '../support/api'
import { adminContext, appURL, screenshot, useChromium, watchedPage } from '../support/browser'
import { chat, expectLiveVideo, giveName, openLivePage } from '../support/customer-page'
import { seekReplay, playFor } from '../support/replay'
import { endShow, expectReplaySaved, goLive, livestreamOf, openConsole, startCamera } from '../support/studio'

describe('customers on /live/:id with the host in the studio (Chromium, fake camera)', () => {
  const chromium = useChromium()

  // Four browsers at once: on a machine busy with other test files this takes well over a minute.
  it('three customers watch, chat, heart and buy; the show turns into a shoppable replay', { timeout: 150_000 }, async () => {
    const product = await createProduct({ name: `Peony Blush ${Date.now()}`, stock: 5, priceCents: 2400 })
    const title = `Live test ${Date.now()}`
    const stream = await createStream({ title, quality: '480p', scheduledAt: new Date(Date.now() + 3600_000).toISOString() })
    const host = await adminContext(chromium())
    const { page: studio, problems: studioProblems } = await watchedPage(host)
    await openConsole(studio, stream.id)
    await startCamera(studio)

    const viewports = [{ width: 1280, height: 800 }, { width: 390, height: 844 }, { width: 390, height: 844 }]
    const customers = await Promise.all(viewports.map(async (viewport) => {
      const context = await chromium().newContext({ viewport })
      return { context, ...(await openLivePage(context, stream.id)) }
    }))
    const [desktop, phone, buyer] = customers.map(customer => customer.page) as [typeof studio, typeof studio, typeof studio]
    for (const { page } of customers) await expect.poll(() => page.getByTestId('countdown').textContent()).toMatch(/Starts in/)

    // The host goes live: every page turns live by itself and plays the video.
    await goLive(studio)
    await Promise.all(customers.map(({ page }) => expectLiveVideo(page)))
    await expect.poll(() => studio.getByTestId('counter-viewers').textContent()).toBe('3')
    await expect.poll(() => studio.getByTestId('counter-peers').textContent(), { timeout: 10_000 }).toBe('3')

    // Chat both ways; the first line asks for a name and is sent once it is given.
    await chat(desktop, 'Hello from Lyon!')
    await giveName(desktop, 'Chloe')
    await expect.poll(() => studio.getByTestId('chat-list').textContent()).toContain('Hello from Lyon!')
    await studio.getByLabel('Message').fill('Welcome Chloe!')
    await studio.keyboard.press('Enter')
    for (const page of [desktop, phone, buyer]) await expect.poll(() => page.getByTestId('chat-list').textContent()).toContain('Welcome Chloe!')

    // A heart from a phone reaches the host's counter.
    await phone.getByRole('button', { name: 'Send a heart' }).click()
    await giveName(phone, 'Maya')
    await phone.getByRole('button', { name: 'Send a heart' }).click()
    await expect.poll(() => studio.getByTestId('counter-likes').textContent()).toBe('1')
    await expect.poll(() => desktop.getByTestId('live-likes').textContent()).toBe('1')

    // A pin shows on a customer's page within a second.
    const pinnedAt = Date.now()
    await studio.getByTestId(`pin-${product.id}`).click()
    await buyer.getByTestId(`product-card-${product.id}`).waitFor({ timeout: 5000 })
    const pinDelay = Date.now() - pinnedAt
    expect(pinDelay).toBeLessThan(1000)
    await screenshot(desktop, 'live-desktop')
    // The studio takes the thumbnail 3 s after going live.
    await expect.poll(async () => (await livestreamOf(stream.id)).thumbnailUrl, { timeout: 10_000 }).toBeTruthy()
    await expectOnHome(customers[0]!.context, 'Live now', title)
    await screenshot(phone, 'live-phone')

    // The buyer orders two; stock goes down, on the server and on every card.
    const card = buyer.getByTestId(`product-card-${product.id}`)
    await card.getByRole('button', { name: /Add to cart/ }).click()
    await card.getByRole('button', { name: /Add to cart/ }).click()
    await buyer.getByTestId('open-cart').click()
    expect(await buyer.getByTestId('cart-total').textContent()).toBe('€48.00')
    await buyer.getByLabel('Full name').fill('Zoé Bernard')
    await buyer.getByLabel('Email').fill('zoe@example.com')
    await buyer.getByLabel('Delivery address').fill('12 Rue des Lilas, 69001 Lyon')
    await buyer.getByRole('button', { name: 'Place order' }).click()
    await giveName(buyer, 'Zoé')
    await buyer.getByRole('button', { name: 'Place order' }).click()
    await expect.poll(() => buyer.getByTestId('order-placed').textContent()).toContain('€48.00')
    expect((await api(`/api/products/${product.id}`)).body.product.stock).toBe(3)
    await expect.poll(() => desktop.getByTestId(`product-card-${product.id}`).getByTestId('product-stock').textContent()).toBe('Only 3 left')
    const orders = await api(`/api/orders?livestreamId=${stream.id}`, { token: adminToken() })
    expect(orders.body.items).toHaveLength(1)
    await buyer.keyboard.press('Escape')

    // More than the stock left is refused in plain words, and nothing is taken.
    await desktop.getByTestId(`product-card-${product.id}`).getByRole('button', { name: /Add to cart/ }).click()
    await desktop.getByTestId('open-cart').click()
    await desktop.getByLabel(`Quantity of ${product.name}`).fill('4')
    await desktop.getByLabel(`Quantity of ${product.name}`).press('Tab')
    await desktop.getByLabel('Full name').fill('Chloe Martin')
    await desktop.getByLabel('Email').fill('chloe@example.com')
    await desktop.getByLabel('Delivery address').fill('3 Quai Saint-Vincent, Lyon')
    await desktop.getByRole('button', { name: 'Place order' }).click()
    await expect.poll(() => desktop.getByRole('alert').textContent()).toContain('just sold out')
    expect((await api(`/api/products/${product.id}`)).body.product.stock).toBe(3)
    await desktop.keyboard.press('Escape')

    // Chat faster than the limit: the page says so kindly, and the lines that passed are there.
    // The limit is five at once, then one a second: on a slow machine each send takes long enough to earn
    // a token back, so send until the server refuses, which must happen well before fifteen lines.
    const easyThere = phone.getByRole('status').filter({ hasText: 'Easy there!' })
    let sent = 0
    while (sent < 15 && await easyThere.count() === 0) await chat(phone, `Love it ${++sent}`)
    await expect.poll(() => easyThere.count()).toBe(1)
    await expect.poll(() => studio.getByTestId('chat-list').textContent()).toContain('Love it 5')

    // The host ends: the pages turn to the replay by themselves.
    await studio.waitForTimeout(1500)
    await endShow(studio)
    const endedAt = Date.now()
    await expectReplaySaved(studio, stream.id)
    const savedAt = Date.now()
    // Once saved, the customers' pages hear of it from the room at once.
    const replay = desktop.getByTestId('replay-video')
    await replay.waitFor({ timeout: 10_000 })
    await phone.getByTestId('replay-video').waitFor({ timeout: 10_000 })
    console.info(`live: replay saved ${savedAt - endedAt} ms after the show ended, on the customers' pages ${Date.now() - savedAt} ms later`)
    const ended = await livestreamOf(stream.id)
    expect(await playFor(replay, 800)).toBeGreaterThan(0.3)
    await seekReplay(replay, 0.5)

    // The product's chapter seeks to the moment it was pinned, and shows it while it plays.
    const pins = (await api(`/api/livestreams/${stream.id}/pins`)).body.items
    const chapterAt = (Date.parse(pins[0].pinnedAt) - Date.parse(ended.startTime)) / 1000
    await replay.evaluate((video: HTMLVideoElement) => video.pause())
    await desktop.getByTestId(`chapter-${product.id}`).click()
    await expect.poll(() => replay.evaluate((video: HTMLVideoElement) => video.currentTime)).toBeGreaterThanOrEqual(chapterAt - 0.1)
    expect(await replay.evaluate((video: HTMLVideoElement) => video.currentTime)).toBeLessThan(chapterAt + 2)
    await expect.poll(() => desktop.getByTestId('replay-now-showing').textContent()).toContain(product.name)
    expect(await desktop.getByTestId('chat-list').textContent()).toContain('Hello from Lyon!')
    await screenshot(desktop, 'replay-desktop')
    await expectOnHome(customers[0]!.context, 'Replays', title)

    // The refused order's 409 is the one error a browser console may show; nothing else.
    const expected = (problem: string) => problem.includes('status of 409')
    // Joined into one string, so that a failure prints each problem whole.
    expect(customers[0]!.problems().filter(problem => !expected(problem)).join('\n')).toBe('')
    for (const { problems } of customers.slice(1)) expect(problems().join('\n')).toBe('')
    expect(studioProblems().join('\n')).toBe('')
    for (const { context } of customers) await context.close()
    await host.close()
  })
})

/** The home page lists the show on `shelf`, with the thumbnail the studio took. */
async function expectOnHome(context: BrowserContext, shelf: string, title: string) {
  const home = await context.newPage()
  await home.goto(appURL('/'), { waitUntil: 'networkidle' })
  const card = home.locator('section', { has: home.getByRole('heading', { name: shelf }) }).getByRole('link', { name: new RegExp(title) })
  await expect.poll(() => card.count()).toBe(1)
  expect(await card.locator('img').getAttribute('src')).toMatch(/^\/uploads\/thumbnails\//)
  // The shelves' images load lazily: bring the card into view, as a visitor scrolling would.
  await card.scrollIntoViewIfNeeded()
  await expect.poll(() => card.locator('img').evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).toBe(true)
  await home.close()
}
