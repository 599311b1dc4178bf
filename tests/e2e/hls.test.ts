// HLS in Chromium (PROTOCOL.md "Past one box"): a customer WebRTC cannot serve watches the show's
// HLS instead, says it is a few seconds behind, and keeps the room. Two ways in: the show's WHEP is
// full (503), and a network that lets no UDP through (the page's WebRTC finds no candidate pair). The
// publisher (a process of its own) sends a picture with a clock in it (bench/lib/clock-publisher.mjs),
// so each page's delay behind the publisher is read off the picture it shows.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startClockPublisher, type ClockPublisher } from '../../bench/lib/clock-publisher.mjs'
import { CLOCK_PERIOD_SECONDS, clockSecondsOf } from '../../bench/lib/media-source.mjs'
import { api } from '../support/api'
import { blockWebRtcMedia, screenshot, useAppServer, useChromium } from '../support/browser'
import { chat, expectLiveVideo, giveName, openLivePage } from '../support/customer-page'
import { haveFfmpeg } from '../support/media-source'
import { ROOT, startServer, type RunningServer } from '../support/server'

let server: RunningServer
let admin: string
let publisher: ClockPublisher
const closers: Array<() => unknown> = []
const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const call = (path: string, options: Parameters<typeof api>[1] = {}) => api(path, { base: server.baseURL, token: admin, ...options })

beforeAll(async () => {
  if (!haveFfmpeg) return
  // One WebRTC viewer per show on this process: the second customer finds it full.
  server = await startServer({ NUXT_MEDIA_MODE: 'relay', NUXT_HLS: 'true', NUXT_MEDIA_MAX_VIEWERS: '1' })
  admin = (await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token
  useAppServer({ baseURL: server.baseURL, adminToken: admin })
})
afterAll(async () => {
  // The publisher first (its ffmpeg), and each closer on its own.
  publisher?.stop()
  for (const close of closers.splice(0).reverse()) await Promise.resolve().then(close).catch(() => {})
  await server?.stop()
})

/** The publisher's time the page shows now (its clock block), in seconds modulo the clock's period. */
const shownClock = (page: Page) => page.getByTestId('live-video').evaluate((video: HTMLVideoElement) => {
  const canvas = document.createElement('canvas')
  canvas.width = video.videoWidth
  canvas.height = video.videoHeight
  const context = canvas.getContext('2d', { willReadFrequently: true })!
  context.drawImage(video, 0, 0)
  // The middle of the block (a quarter of the width and height, top left), clear of its edges.
  const { data } = context.getImageData(video.videoWidth / 16, video.videoHeight / 16, video.videoWidth / 8, video.videoHeight / 8)
  let red = 0
  for (let i = 0; i < data.length; i += 4) red += data[i]!
  return red / (data.length / 4)
}).then(clockSecondsOf)

/** How far behind the publisher the page's picture is, ms (the clock block read against ffmpeg's start). */
async function delayOf(page: Page) {
  const shown = await shownClock(page)
  const elapsed = (Date.now() - publisher.startedAt) / 1000
  return (((elapsed - shown) % CLOCK_PERIOD_SECONDS) + CLOCK_PERIOD_SECONDS) % CLOCK_PERIOD_SECONDS * 1000
}

async function median(samples: () => Promise<number>, count = 5) {
  const values: number[] = []
  for (let i = 0; i < count; i++) {
    values.push(await samples())
    await wait(300)
  }
  return values.sort((a, b) => a - b)[Math.floor(count / 2)]!
}

const onHls = (page: Page) => page.getByTestId('hls-badge').isVisible()

/** The build's hls.js chunk: the one script with hls.js's own event names in it (looked for once). */
let hlsChunkName: string | undefined
function hlsChunk(): string {
  const dir = join(ROOT, '.output/public/_nuxt')
  hlsChunkName ??= readdirSync(dir).find(file => file.endsWith('.js') && readFileSync(join(dir, file), 'utf8').includes('hlsManifestLoading'))
  if (!hlsChunkName) throw new Error('no hls.js chunk in the build')
  return hlsChunkName
}
const fetchedHlsJs = (page: Page) => page.evaluate(name => performance.getEntriesByType('resource').some(entry => entry.name.endsWith(`/_nuxt/${name}`)), hlsChunk())

describe.skipIf(!haveFfmpeg)('HLS when WebRTC cannot serve a customer (Chromium)', () => {
  const chromium = useChromium()
  let id: string
  let product: { id: string }

  beforeAll(async () => {
    ;({ livestream: { id } } = (await call('/api/livestreams', { body: { title: 'HLS in the browser', quality: '480p' } })).body)
    ;({ product } = (await call('/api/products', { body: { name: `Dew Serum ${Date.now()}`, priceCents: 3100, currency: 'EUR', stock: 20 } })).body)
    await call(`/api/livestreams/${id}/start`, { method: 'POST' })
    const { streamKey } = (await call(`/api/livestreams/${id}/stream-key`, { method: 'POST' })).body
    publisher = await startClockPublisher(`${server.baseURL}/api/livestreams/${id}/whip`, streamKey)
    // The packager's first segments (a page that falls back earlier waits for them the same way).
    for (let i = 0; i < 100 && !(await fetch(`${server.baseURL}/live/${id}/hls/index.m3u8`)).ok; i++) await wait(300)
  }, 60_000)

  it('keeps hls.js out of the live page\'s HTML: only a page WebRTC cannot serve fetches it', async () => {
    const html = await (await fetch(`${server.baseURL}/live/${id}`)).text()
    expect(html).toContain('data-early-video')
    expect(html).not.toContain(hlsChunk())
  })

  it('a customer who finds the show full watches HLS a few seconds behind, keeps chat and pins in step, and is back on WebRTC when a place frees', { timeout: 120_000 }, async () => {
    const contexts = await Promise.all([chromium().newContext(), chromium().newContext()])
    closers.push(() => Promise.all(contexts.map(context => context.close())))
    const first = await openLivePage(contexts[0], id)
    await expectLiveVideo(first.page)
    // On WebRTC, the show's one place: on a loaded machine its connection can take longer than the
    // page waits before it plays HLS meanwhile (2.5 s), and the page leaves HLS once it plays.
    await expect.poll(() => onHls(first.page), { timeout: 10_000 }).toBe(false)

    const second = await openLivePage(contexts[1], id)
    await expect.poll(() => onHls(second.page), { timeout: 5000 }).toBe(true)
    await expectLiveVideo(second.page)
    const webrtcDelay = await median(() => delayOf(first.page))
    const hlsDelay = await median(() => delayOf(second.page))
    const reported = Number(await second.page.getByTestId('live-video').getAttribute('data-lag-ms'))
    console.info(`HLS (full show): publisher to picture ${Math.round(hlsDelay)} ms on HLS, ${Math.round(webrtcDelay)} ms on WebRTC; the player's own estimate ${reported} ms`)
    expect(hlsDelay).toBeGreaterThan(webrtcDelay + 1000)
    expect(hlsDelay).toBeLessThan(12_000)
    await screenshot(second.page, 'hls-full-show')

    // A pin shows on the HLS page when its video gets to that moment, not before.
    const card = (page: Page) => page.getByTestId(`product-card-${product.id}`)
    await call(`/api/livestreams/${id}/pin-product`, { body: { productId: product.id, pinned: true } })
    const pinnedAt = Date.now()
    await card(first.page).waitFor({ timeout: 5000 })
    const onWebrtc = Date.now() - pinnedAt
    await card(second.page).waitFor({ timeout: 10_000 })
    const onHlsPage = Date.now() - pinnedAt
    console.info(`HLS: a pin showed ${onWebrtc} ms after it was made on WebRTC, ${onHlsPage} ms on HLS`)
    expect(reported).toBeGreaterThan(1000)
    expect(onHlsPage - onWebrtc).toBeGreaterThan(reported / 2)

    // Chat and the cart work the same.
    await chat(second.page, 'Watching from the overflow')
    await giveName(second.page, 'Ines')
    await expect.poll(() => first.page.getByText('Watching from the overflow').isVisible(), { timeout: 10_000 }).toBe(true)
    await card(second.page).getByRole('button', { name: /Add to cart/ }).click()
    await second.page.getByTestId('open-cart').click()
    await expect.poll(() => second.page.getByTestId('cart-total').textContent()).toBe('€31.00')
    await second.page.keyboard.press('Escape')

    // The first customer leaves: the second is back on WebRTC after the 503's Retry-After.
    await first.page.close()
    await expect.poll(() => onHls(second.page), { timeout: 40_000, interval: 500 }).toBe(false)
    await expectLiveVideo(second.page)
    const backOnWebrtc = await median(() => delayOf(second.page))
    console.info(`HLS: back on WebRTC, publisher to picture ${Math.round(backOnWebrtc)} ms`)
    expect(backOnWebrtc).toBeLessThan(hlsDelay - 1000)
    expect(second.problems().filter(problem => !/503|Failed to load/.test(problem))).toEqual([])
    await second.page.close()
  })

  describe('with UDP blocked', () => {
    it('plays HLS within 6 s of opening the page, its picture moving', { timeout: 90_000 }, async () => {
      // Every place free again, so this customer's WHEP is answered (201) and only the network stops it.
      await expect.poll(async () => (await call(`/api/livestreams/${id}/media`)).body.capacity.viewers, { timeout: 40_000 }).toBe(0)
      const context = await chromium().newContext()
      closers.push(() => context.close())
      await blockWebRtcMedia(context)
      const statuses: number[] = []
      context.on('response', response => response.url().endsWith('/whep') && statuses.push(response.status()))
      const openedAt = Date.now()
      // Timed from the moment the page opens, not from when its network goes quiet (HLS never does).
      const { page, problems } = await openLivePage(context, id, { waitUntil: 'commit' })
      await expect.poll(() => onHls(page), { timeout: 6000, interval: 100 }).toBe(true)
      // Its first HLS picture, then proof that the pictures keep coming.
      await expect.poll(() => page.getByTestId('live-video').evaluate((video: HTMLVideoElement) => video.videoWidth), { timeout: 6000 - (Date.now() - openedAt), interval: 100 }).toBeGreaterThan(0)
      const playing = Date.now() - openedAt
      expect(playing).toBeLessThan(6000)
      await expectLiveVideo(page)
      expect(statuses[0]).toBe(201)
      expect(await fetchedHlsJs(page)).toBe(true)
      const hlsDelay = await median(() => delayOf(page))
      console.info(`HLS (UDP blocked): first HLS picture ${playing} ms after the page opened; publisher to picture ${Math.round(hlsDelay)} ms`)
      expect(hlsDelay).toBeLessThan(12_000)
      // It stays on HLS: the connection it keeps trying cannot come up here.
      await wait(3000)
      expect(await onHls(page)).toBe(true)
      await screenshot(page, 'hls-udp-blocked')
      expect(problems().filter(problem => !/Failed to load/.test(problem))).toEqual([])
    })
  })
})
