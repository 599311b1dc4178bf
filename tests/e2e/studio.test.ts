import { describe, expect, it } from 'vitest'
import { api, createProduct, createStream, guest } from '../support/api'
import { adminContext, appURL, screenshot, useChromium, watchedPage } from '../support/browser'
import { TestSocket } from '../support/socket'
import { endShow, expectSeekableReplay, goLive, livestreamOf, openConsole, startCamera, waitForSavedParts } from '../support/studio'
import { readSeekableWebm } from '../support/webm'

describe('the host in the studio (Chromium, fake camera)', () => {
  const chromium = useChromium()

  it('creates a show, goes live, chats, pins, ends, and gets a seekable replay and a thumbnail', async () => {
    const product = await createProduct({ name: `Velvet Lip Tint ${Date.now()}`, stock: 5 })
    const context = await adminContext(chromium())
    const { page, problems } = await watchedPage(context)
    await page.goto(appURL('/studio'), { waitUntil: 'networkidle' })
    const title = `Studio test ${Date.now()}`
    await page.getByLabel('Title').fill(title)
    await page.getByLabel('Quality').selectOption('480p')
    await page.getByRole('button', { name: 'Create show' }).click()
    await page.waitForURL(/\/studio\/[0-9a-f]{24}$/)
    const id = page.url().split('/').pop()!
    await openConsole(page, id)
    expect(await page.getByTestId('broadcast-state').textContent()).toContain('Preparing')
    // Before the camera is allowed the browser names no device: the pickers say what to do.
    expect(await page.getByRole('combobox', { name: /^Camera/ }).textContent()).toContain('Start the camera to choose')

    await startCamera(page)
    await expect.poll(() => page.getByRole('combobox', { name: /^Camera/ }).textContent()).toContain('fake')
    const { token } = await guest('Chloe')
    const customer = await TestSocket.open({ token })
    customer.send({ type: 'register', livestreamId: id, sessionId: 'studio-e2e-customer' })
    await customer.next('registered')

    const wentLiveAt = Date.now()
    await goLive(page)
    await customer.next('stream_started')
    expect((await livestreamOf(id)).status).toBe('live')
    await expect.poll(() => page.getByTestId('counter-viewers').textContent()).toBe('1')

    // Chat both ways: the customer's line reaches the console, the host's answer reaches the customer.
    customer.send({ type: 'chat_message', message: 'Is the tint long-lasting?' })
    await expect.poll(() => page.getByTestId('chat-list').textContent()).toContain('Is the tint long-lasting?')
    await page.getByLabel('Message').fill('Eight hours, easily!')
    await page.keyboard.press('Enter')
    expect((await customer.next('chat_message', frame => frame.message === 'Eight hours, easily!')).user.role).toBe('admin')

    // A heart from the customer shows on the host's counter.
    expect((await api(`/api/livestreams/${id}/like`, { token, body: {} })).status).toBe(200)
    await expect.poll(() => page.getByTestId('counter-likes').textContent()).toBe('1')

    // One click pins; the room hears it and the button says so.
    const pin = page.getByTestId(`pin-${product.id}`)
    await pin.click()
    expect((await customer.next('pinned_products_updated')).pinnedProducts.map((p: { id: string }) => p.id)).toEqual([product.id])
    await expect.poll(() => pin.getAttribute('aria-pressed')).toBe('true')

    // The customer buys the pinned product during the show: it shows in the sales per product.
    const order = await api('/api/orders', { token, body: {
      livestreamId: id, items: [{ productId: product.id, quantity: 2 }],
      shipping: { name: 'Chloe Martin', email: 'chloe@example.com', address: '1 Rue de la Paix, Paris' },
    } })
    expect(order.status).toBe(201)
    await waitForSavedParts(page, 2)
    await expect.poll(async () => (await livestreamOf(id)).thumbnailUrl, { timeout: 10_000 }).toMatch(/^\/uploads\/thumbnails\//)
    await screenshot(page, 'studio-console-live')
    await page.waitForTimeout(Math.max(0, 6000 - (Date.now() - wentLiveAt)))
    const liveSeconds = (Date.now() - wentLiveAt) / 1000
    await endShow(page)
    await customer.next('stream_stopped')
    await expectSeekableReplay(page, liveSeconds)

    const ended = await livestreamOf(id)
    expect(ended.status).toBe('ended')
    expect(ended.videoUrl).toMatch(/^\/uploads\/videos\/[0-9a-f]{24}\.webm$/)
    // A cue (a key frame) at least every ~2 s of the file, so that a seek anywhere shows a frame soon.
    const file = readSeekableWebm(Buffer.from(await (await fetch(appURL(ended.videoUrl))).arrayBuffer()))
    const marks = [0, ...file.cueTimes, file.durationTicks]
    const cueGaps = marks.slice(1).map((at, index) => at - marks[index]!)
    expect(Math.max(...cueGaps), `cues at ${file.cueTimes.join(', ')} of ${file.durationTicks} ms`).toBeLessThan(2600)
    const thumbnail = await fetch(appURL(ended.thumbnailUrl))
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg')
    await expect.poll(() => page.getByTestId('analytics-totals').textContent()).toContain('Hearts1')
    expect(await page.getByTestId('analytics-totals').textContent()).toContain('Orders1')
    expect(await page.getByTestId('sales-per-product').textContent()).toContain(`${product.name} · 2 sold`)
    await screenshot(page, 'studio-after-show')
    customer.ws.close()
    expect(problems()).toEqual([])
    await context.close()
  })

  it('fits a phone held in one hand: no sideways scrolling, the big button in reach', async () => {
    const stream = await createStream({ title: `Phone console ${Date.now()}` })
    const context = await adminContext(chromium(), { width: 390, height: 844 })
    const { page, problems } = await watchedPage(context)
    await openConsole(page, stream.id)
    await startCamera(page)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    const button = await page.getByRole('button', { name: 'Go live' }).boundingBox()
    expect(button!.width).toBeGreaterThanOrEqual(44)
    expect(button!.height).toBeGreaterThanOrEqual(44)
    await screenshot(page, 'studio-console-phone')
    expect(problems()).toEqual([])
    await context.close()
  })
})

describe('a host whose browser refuses the camera', () => {
  const refusing = useChromium({ askForCamera: true })

  it('is told what happened and how to fix it, and the show does not go live', async () => {
    const stream = await createStream({ title: `Refused camera ${Date.now()}` })
    const context = await adminContext(refusing())
    const { page, problems } = await watchedPage(context)
    await openConsole(page, stream.id)
    await page.getByRole('button', { name: 'Go live' }).click()
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('access was refused')
    expect(await page.getByTestId('broadcast-state').textContent()).toContain('Preparing')
    expect((await livestreamOf(stream.id)).status).toBe('scheduled')
    expect(problems()).toEqual([])
    await context.close()
  })
})

describe('the product catalogue in the studio', () => {
  const chromium = useChromium()
  // A real 1 x 1 PNG: the server checks an image's bytes, not its name.
  const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

  it('adds a product with its photo, edits its price, refuses a bad one, and deletes it', async () => {
    const context = await adminContext(chromium())
    const { page, problems } = await watchedPage(context)
    await page.goto(appURL('/studio'), { waitUntil: 'networkidle' })
    const name = `Rose Water Mist ${Date.now()}`
    await page.getByRole('button', { name: '+ New product' }).click()
    const form = page.getByRole('form', { name: 'New product' })
    await form.getByLabel('Name').fill(name)
    await form.getByLabel('Price').fill('-3')
    await form.getByRole('button', { name: 'Add product' }).click()
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('priceCents')
    await form.getByLabel('Price').fill('18.50')
    await form.getByLabel('Stock').fill('12')
    await form.getByLabel(/Photo/).setInputFiles({ name: 'mist.png', mimeType: 'image/png', buffer: PIXEL })
    await form.getByRole('button', { name: 'Add product' }).click()
    const card = page.getByRole('listitem').filter({ hasText: name })
    await expect.poll(() => card.textContent()).toContain('€18.50 · 12 in stock')

    const stored = (await api<{ items: Array<{ id: string, name: string, imageUrl?: string, priceCents: number }> }>('/api/products')).body.items.find(product => product.name === name)!
    expect(stored.priceCents).toBe(1850)
    expect(stored.imageUrl).toMatch(/^\/uploads\/images\/[0-9a-f]{24}\.png$/)
    expect(await card.locator('img').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(1)

    await card.getByRole('button', { name: 'Edit' }).click()
    const edit = page.getByRole('form', { name: `Edit ${name}` })
    await edit.getByLabel('Price').fill('21')
    await edit.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.getByRole('listitem').filter({ hasText: name }).textContent()).toContain('€21.00')

    page.once('dialog', dialog => dialog.accept())
    await page.getByRole('listitem').filter({ hasText: name }).getByRole('button', { name: 'Delete' }).click()
    await expect.poll(() => page.getByText(name).count()).toBe(0)
    expect((await api(`/api/products/${stored.id}`)).status).toBe(404)
    expect(problems()).toEqual([])
    await context.close()
  })
})
