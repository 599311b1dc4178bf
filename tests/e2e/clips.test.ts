// Clips in Chromium: after the show, the host makes a clip of a product's chapter in one click on
// the after-show page; the clip's share page (server-rendered with its share tags) plays on a
// phone and shows its product. Through the API: the cut's bounds, its length, what is refused.
// Screenshot: the clip's page on a phone.
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { adminToken, api, baseURL, createProduct, liveStream } from '../support/api'
import { adminContext, appURL, screenshot, useChromium, watchedPage } from '../support/browser'
import { uploadReplay } from '../support/replay'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }

describe('clips of a replay', () => {
  const chromium = useChromium()

  it('a product chapter becomes a clip in one click; its page plays on a phone, shows the product and unfurls like a show', { timeout: 120_000 }, async () => {
    const product = await createProduct({ name: `Clip serum ${Date.now()}`, imageUrl: '/demo/serum.svg' })
    const show = await liveStream()
    const call = (path: string, options: Parameters<typeof api>[1] = {}) => api(path, { token: adminToken(), ...options })
    // No replay yet: nothing to cut.
    expect((await call(`/api/livestreams/${show.id}/clips`, { body: { startSeconds: 0, endSeconds: 10 } })).status).toBe(409)
    expect((await call(`/api/livestreams/${show.id}/pin-product`, { body: { productId: product.id, pinned: true } })).status).toBe(200)
    expect((await call(`/api/livestreams/${show.id}/stop`, { method: 'POST' })).status).toBe(200)
    await uploadReplay(show.id, 30)
    for (const body of [{ startSeconds: 10, endSeconds: 12 }, { startSeconds: 0, endSeconds: 200 }]) {
      expect((await call(`/api/livestreams/${show.id}/clips`, { body })).status).toBe(400)
    }
    expect((await api(`/api/livestreams/${show.id}/clips`, { body: { startSeconds: 0, endSeconds: 10 } })).status).toBe(401)

    // The host's one click on the after-show page.
    const host = await adminContext(chromium())
    const { page: studio, problems: studioProblems } = await watchedPage(host)
    await studio.goto(appURL(`/studio/${show.id}`), { waitUntil: 'networkidle' })
    await studio.getByRole('button', { name: `Clip ${product.name}` }).click()
    await expect.poll(() => studio.getByTestId('clips').textContent(), { timeout: 30_000 }).toContain(product.name)
    const [clip] = (await api(`/api/livestreams/${show.id}/clips`)).body.items
    expect(clip).toMatchObject({ productId: product.id, startSeconds: 0, videoUrl: expect.stringMatching(/^\/uploads\/videos\/[0-9a-f]{24}\.webm$/), thumbnailUrl: expect.stringMatching(/^\/uploads\/thumbnails\//) })
    // Cut without re-encoding: a WebM as long as asked (the chapter was shorter than 5 s: 5 s).
    expect(clip.endSeconds - clip.startSeconds).toBe(5)
    const file = await fetch(`${baseURL()}${clip.videoUrl}`)
    expect(file.headers.get('content-type')).toBe('video/webm')
    const probe = (url: string) => Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', url]).toString())
    expect(probe(`${baseURL()}${clip.videoUrl}`)).toBeCloseTo(5, 0)
    // A range typed in: 12 s from 10 s on.
    const range = await call(`/api/livestreams/${show.id}/clips`, { body: { startSeconds: 10, endSeconds: 22 } })
    expect(range.status).toBe(201)
    expect(range.body.clip).toMatchObject({ startSeconds: 10, endSeconds: 22, title: 'Test show' })
    expect(probe(`${baseURL()}${range.body.clip.videoUrl}`)).toBeGreaterThanOrEqual(11.5)

    // The share page as a crawler reads it.
    const html = await (await fetch(`${baseURL()}/clip/${clip.id}`)).text()
    expect(html).toContain(`<meta property="og:url" content="${baseURL()}/clip/${clip.id}">`)
    expect(html).toMatch(new RegExp(`<meta property="og:image" content="${baseURL()}/uploads/thumbnails/[0-9a-f]{24}\\.jpg">`))
    expect(html).toContain('<meta property="og:type" content="video.other">')
    expect(html).toContain('"@type":"VideoObject"')

    // A phone opens it: the clip plays and its product is there, with the way to the show.
    const phone = await chromium().newContext(PHONE)
    const { page, problems } = await watchedPage(phone)
    await page.goto(appURL(`/clip/${clip.id}`), { waitUntil: 'networkidle' })
    const video = page.getByTestId('clip-video')
    await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.videoWidth), { timeout: 15_000 }).toBeGreaterThan(0)
    const at = await video.evaluate((element: HTMLVideoElement) => element.currentTime)
    await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.currentTime), { timeout: 10_000 }).toBeGreaterThan(at + 0.5)
    expect(await page.getByTestId(`product-card-${product.id}`).textContent()).toContain(product.name)
    expect(await page.getByRole('link', { name: /watch the whole show/ }).getAttribute('href')).toBe(`/live/${show.id}?t=0`)
    await screenshot(page, 'clip-phone')
    expect(problems()).toEqual([])
    expect(studioProblems()).toEqual([])
    await phone.close()
    await host.close()
  })
})
