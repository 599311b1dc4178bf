// What the media tests read from pages in Chromium: every RTCPeerConnection a page makes, when
// its WHEP answers came and its first frame showed, and what the host's page uploads.
import type { BrowserContext, Page } from 'playwright'
import { expect } from 'vitest'
import { appURL, openHydrated, watchedPage } from './browser'
import { expectLiveVideo } from './customer-page'
import { endShow, expectSeekableReplay } from './studio'

/** Every RTCPeerConnection a page makes, kept on window for the test to read its stats. */
export async function keepConnections(context: BrowserContext) {
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection
    const made: RTCPeerConnection[] = []
    ;(window as unknown as { connections: RTCPeerConnection[] }).connections = made
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args)
        made.push(this)
      }
    } as typeof RTCPeerConnection
    // When each WHEP answer arrived (and so how many sessions the page opened), and when the
    // live video presented its first frame.
    const fetchNative = window.fetch
    const record = window as unknown as { whepAnswers: Array<{ at: number, status: number }>, firstFrameAt?: number }
    record.whepAnswers = []
    window.fetch = async (...args) => {
      const response = await fetchNative(...args)
      if (String(args[0]).includes('/whep') && (args[1]?.method ?? 'GET') === 'POST') record.whepAnswers.push({ at: performance.now(), status: response.status })
      return response
    }
    // The first frame of either player: the server-rendered one the page fills before it hydrates, or the room's.
    new MutationObserver(() => {
      for (const video of document.querySelectorAll<HTMLVideoElement & { watched?: boolean }>('[data-testid="live-video"], [data-early-video]')) {
        if (video.watched) continue
        video.watched = true
        video.requestVideoFrameCallback((now) => {
          record.firstFrameAt = Math.min(record.firstFrameAt ?? now, now)
        })
      }
    }).observe(document, { subtree: true, childList: true })
  })
}

/** The host's media stops flowing (its tracks leave every connection), then comes back into the same connections. */
export async function hostMedia(page: Page, flowing: boolean) {
  await page.evaluate(async (flowing) => {
    const preview = document.querySelector('[data-testid="camera-preview"]') as HTMLVideoElement
    const stream = preview.srcObject as MediaStream
    for (const pc of (window as unknown as { connections: RTCPeerConnection[] }).connections) {
      for (const transceiver of pc.getTransceivers()) {
        const kind = transceiver.receiver.track.kind
        await transceiver.sender.replaceTrack(flowing ? stream.getTracks().find(track => track.kind === kind) ?? null : null)
      }
    }
  }, flowing)
}

/** The video bits per second the host's page sends now, over `ms`, all its connections together. */
export async function hostVideoBitrate(page: Page, ms = 3000) {
  const bytes = () => page.evaluate(async () => {
    let sum = 0
    for (const pc of (window as unknown as { connections: RTCPeerConnection[] }).connections) {
      if (pc.connectionState === 'closed') continue
      for (const stat of (await pc.getStats()).values()) if (stat.type === 'outbound-rtp' && stat.kind === 'video') sum += stat.bytesSent
    }
    return sum
  })
  const first = await bytes()
  await page.waitForTimeout(ms)
  return ((await bytes()) - first) * 8 / (ms / 1000)
}

/** A customer's live page (on `base`, another process, when given). */
export async function customer(context: BrowserContext, id: string, base?: string) {
  const { page, problems } = await watchedPage(context)
  const url = new URL(appURL(`/live/${id}`))
  if (base) url.port = new URL(base).port
  await openHydrated(page, url.toString())
  return { page, problems }
}

/**
 * Holds a live page to when it asked for the app's modules (shared/utils/early-entry.ts): not
 * before its early connection was up (`connectedMark`), unless the app stopped waiting for the
 * early picture first (its frame, `frameMark`, or 2 s). Answers when the first module was asked for.
 */
export async function expectModulesAfterEarlyConnection(page: Page, connectedMark: number, frameMark: number) {
  const modules = await page.evaluate(() => performance.getEntriesByType('resource').filter(entry => /\/_nuxt\/.+\.js$/.test(entry.name)).map(entry => entry.startTime))
  expect(modules.length).toBeGreaterThan(5)
  const firstModule = Math.min(...modules)
  expect(connectedMark).toBeGreaterThan(0)
  expect(firstModule).toBeGreaterThanOrEqual(Math.min(connectedMark, frameMark > 0 ? frameMark : 2000, 2000))
  return firstModule
}

/**
 * The WHEP sessions a page opened: one status per POST it made. A 503 is the show refusing it for
 * now (at capacity; a loaded machine's relay can be), which the page waits out and asks again.
 */
export function whepStatuses(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { whepAnswers: Array<{ status: number }> }).whepAnswers.map(answer => answer.status))
}

/** How long after the WHEP answer that opened its session a page showed its first frame (ms). */
export function lateViewerFirstFrame(page: Page) {
  return page.evaluate(() => {
    const record = window as unknown as { whepAnswers: Array<{ at: number, status: number }>, firstFrameAt: number }
    return record.firstFrameAt - record.whepAnswers.find(answer => answer.status === 201)!.at
  })
}

/**
 * Customers join `audience` until there are each of `sizes` (1, 3, 6: each one's video shown),
 * and the host's video upload is measured at each size. The first is measured after 3 s: the
 * host's bandwidth estimate ramps up over the first seconds.
 */
export async function growAudience(audience: BrowserContext, studio: Page, id: string, sizes: number[]) {
  const viewers: Awaited<ReturnType<typeof customer>>[] = []
  const uploads: number[] = []
  for (const size of sizes) {
    const joining = viewers.length
    while (viewers.length < size) viewers.push(await customer(audience, id))
    for (const { page } of viewers.slice(joining)) await expectLiveVideo(page)
    if (!uploads.length) await studio.waitForTimeout(3000)
    uploads.push(await hostVideoBitrate(studio))
  }
  return { viewers, uploads }
}

/**
 * The host ends the show: the server's replay is seekable and spans the `wentLive` seconds, the
 * customers' pages turn to it, and no page logged a problem on the way.
 */
export async function endWithReplay(studio: Page, studioProblems: () => string[], viewers: { page: Page, problems: () => string[] }[], wentLive: number) {
  const liveSeconds = (Date.now() - wentLive) / 1000
  await endShow(studio)
  await expect.poll(() => studio.getByTestId('replay-state').isVisible(), { timeout: 30_000 }).toBe(true)
  await expectSeekableReplay(studio, liveSeconds)
  await expect.poll(() => viewers[0]!.page.getByTestId('replay-video').isVisible(), { timeout: 30_000 }).toBe(true)
  for (const { problems } of viewers) expect(problems()).toEqual([])
  expect(studioProblems()).toEqual([])
}
