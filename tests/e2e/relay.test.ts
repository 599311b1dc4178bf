// relay mode in Chromium: the host uploads once and the server carries the show to everyone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebSocketRoute } from 'playwright'
import { api } from '../support/api'
import { adminContext, appURL, screenshot, useAppServer, useChromium, watchedPage } from '../support/browser'
import { expectLiveVideo } from '../support/customer-page'
import { customer, endWithReplay, expectModulesAfterEarlyConnection, growAudience, hostMedia, keepConnections, lateViewerFirstFrame, whepStatuses } from '../support/media-pages'
import { haveFfmpeg, startMediaSource } from '../support/media-source'
import { startServer, type RunningServer } from '../support/server'
import { endShow, expectSeekableReplay, hostGoesLive, openConsole } from '../support/studio'
import { publishWithWerift } from '../support/werift-clients'

let server: RunningServer
let adminToken: string
beforeAll(async () => {
  server = await startServer({ NUXT_MEDIA_MODE: 'relay' })
  adminToken = (await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token
  useAppServer({ baseURL: server.baseURL, adminToken })
})
afterAll(() => server?.stop())

async function show(title: string, quality = '480p') {
  return (await api('/api/livestreams', { base: server.baseURL, token: adminToken, body: { title, quality } })).body.livestream as { id: string }
}

describe('relay mode (Chromium, fake camera)', () => {
  const chromium = useChromium()

  it('carries one upload to every customer, through the host dropping out, and records the replay', async () => {
    const { id } = await show(`Relay show ${Date.now()}`)
    const host = await adminContext(chromium())
    await keepConnections(host)
    const { page: studio, problems: studioProblems } = await watchedPage(host)
    const routes: WebSocketRoute[] = []
    await studio.routeWebSocket(/\/_ws$/, (route) => {
      route.connectToServer()
      routes.push(route)
    })
    await hostGoesLive(studio, id)
    const wentLive = Date.now()

    const audience = await chromium().newContext()
    await keepConnections(audience)
    const { viewers, uploads: [withOne = 0, withThree = 0, withSix = 0] } = await growAudience(audience, studio, id, [1, 3, 6])
    // One upload whatever the audience: in p2p each viewer adds another stream's worth (3x, 6x);
    // here only the encoder's own variation is left.
    expect(withOne).toBeGreaterThan(100_000)
    expect(withThree / withOne).toBeLessThan(1.6)
    expect(withSix / withOne).toBeLessThan(1.6)
    await screenshot(viewers[0]!.page, 'relay-live')

    // A late viewer: its first frame within a second of its WHEP answer (a key frame asked of the host at once).
    const late = await customer(audience, id)
    await expectLiveVideo(late.page)
    const sinceAnswer = await lateViewerFirstFrame(late.page)
    console.info(`relay: host video upload ${Math.round(withOne / 1000)} / ${Math.round(withThree / 1000)} / ${Math.round(withSix / 1000)} kbit/s with 1 / 3 / 6 viewers; late viewer's first frame ${Math.round(sinceAnswer)} ms after its WHEP answer`)
    expect(sinceAnswer).toBeGreaterThan(0)
    expect(sinceAnswer).toBeLessThan(1000)
    const watching = async () => (await api(`/api/livestreams/${id}/media`, { base: server.baseURL })).body.capacity.viewers as number
    await expect.poll(watching, { timeout: 5000 }).toBe(viewers.length + 1)
    await late.page.close()
    // Its page ended its session as the tab closed (a DELETE on pagehide), not once ICE noticed.
    await expect.poll(watching, { timeout: 2000, interval: 100 }).toBe(viewers.length)

    // The host drops out: the socket is cut and no media comes for a few seconds. The viewers
    // are told the host is reconnecting, over the last frame.
    await routes.at(-1)!.close({ code: 4000, reason: 'cut by the test' })
    await hostMedia(studio, false)
    await expect.poll(() => viewers[0]!.page.getByText('The host is reconnecting').isVisible(), { timeout: 15_000 }).toBe(true)
    await expect.poll(() => routes.length, { timeout: 10_000 }).toBe(2)
    await hostMedia(studio, true)
    for (const { page } of viewers) await expectLiveVideo(page, 20_000)
    await expect.poll(() => viewers[0]!.page.getByText('The host is reconnecting').isVisible(), { timeout: 10_000 }).toBe(false)
    expect(await viewers[0]!.page.getByText('The host is reconnecting').isVisible()).toBe(false)
    // Nobody renegotiated: one WHEP session each (a refusal it waited out at its join is not one).
    for (const { page } of viewers) {
      const statuses = await whepStatuses(page)
      expect(statuses.filter(status => status !== 503), `WHEP answers: ${statuses.join(', ')}`).toEqual([201])
    }

    // The server's recording spans the show, the seconds the host was away included.
    await endWithReplay(studio, studioProblems, viewers, wentLive)
    await audience.close()
    await host.close()
  }, 180_000)

  it.skipIf(!haveFfmpeg)('plays what an encoder publishes with its stream key, as OBS would, and keeps its replay; the page starts the picture before it hydrates', async () => {
    const title = `Encoder show ${Date.now()}`
    const { id } = await show(title, '720p')
    const poster = new FormData()
    poster.append('livestreamId', id)
    poster.append('thumbnail', new Blob([new Uint8Array([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ...Array.from({ length: 200 }, () => 1)])], { type: 'image/png' }), 'poster.png')
    const { thumbnailUrl } = (await api('/api/uploads/thumbnail', { base: server.baseURL, token: adminToken, raw: poster })).body
    const { streamKey, whipUrl } = (await api(`/api/livestreams/${id}/stream-key`, { base: server.baseURL, method: 'POST', token: adminToken })).body
    const media = await startMediaSource({ videoKbps: 1000 })
    const publisher = await publishWithWerift(media, async (offer) => {
      const response = await fetch(whipUrl, { method: 'POST', body: offer, headers: { 'content-type': 'application/sdp', 'authorization': `Bearer ${streamKey}` } })
      expect(response.status).toBe(201)
      return response.text()
    })
    try {
      // The studio sees the encoder's picture arriving, and goes live on it without a camera.
      const host = await adminContext(chromium())
      const studio = await host.newPage()
      await openConsole(studio, id)
      await studio.getByText('Stream from OBS instead').click()
      await expect.poll(() => studio.getByTestId('encoder-status').textContent(), { timeout: 10_000 }).toContain('arriving')
      await studio.getByRole('button', { name: 'Go live' }).click()
      await expect.poll(() => studio.getByText('The show is live from your encoder').isVisible(), { timeout: 10_000 }).toBe(true)
      // Before any script runs, the HTML has the player with its poster, and the title.
      const noScript = await chromium().newContext({ javaScriptEnabled: false })
      const bare = await noScript.newPage()
      await bare.goto(appURL(`/live/${id}`))
      const early = bare.getByTestId('live-video-early')
      expect(await early.getAttribute('poster')).toBe(thumbnailUrl)
      for (const attribute of ['autoplay', 'muted', 'playsinline']) expect(await early.getAttribute(attribute)).not.toBeNull()
      expect(await bare.locator('h1').first().textContent()).toContain(title)
      await noScript.close()

      const audience = await chromium().newContext()
      await keepConnections(audience)
      const { page, problems } = await customer(audience, id)
      await expectLiveVideo(page)
      expect(await page.getByTestId('live-video').evaluate((video: HTMLVideoElement) => video.videoWidth)).toBe(1280)
      // The WHEP offer left before the page finished hydrating, and the room adopted that session.
      const marks = await page.evaluate(() => Object.fromEntries(['wrencos:whep-start', 'wrencos:whep-post', 'wrencos:whep-connected', 'wrencos:whep-frame', 'wrencos:hydrated'].map(name => [name, performance.getEntriesByName(name)[0]?.startTime ?? -1])))
      console.info(`relay: WHEP session started ${Math.round(marks['wrencos:whep-start']!)} ms, its offer sent ${Math.round(marks['wrencos:whep-post']!)} ms after navigation, its first frame at ${Math.round(marks['wrencos:whep-frame']!)} ms, hydration done at ${Math.round(marks['wrencos:hydrated']!)} ms`)
      expect(marks['wrencos:whep-post']).toBeGreaterThan(0)
      expect(marks['wrencos:whep-post']).toBeLessThan(marks['wrencos:hydrated']!)
      // Not one of the app's modules was asked for before the WHEP answer was in (none held a
      // connection the offer's POST needed), nor before the connection was up, unless the app
      // stopped waiting for the early picture first (its frame, or 2 s).
      const firstModule = await expectModulesAfterEarlyConnection(page, marks['wrencos:whep-connected']!, marks['wrencos:whep-frame']!)
      const answeredAt = await page.evaluate(() => (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find(entry => entry.name.endsWith('/whep') && entry.initiatorType === 'fetch')!.responseEnd)
      expect(firstModule).toBeGreaterThanOrEqual(answeredAt)
      // The app's modules waited for that first frame, or for 2 s after the page opened, whichever
      // came first. On a loaded machine the frame can come later: then the app hydrates at 2 s and
      // adopts the session, and its own player may show that frame (no early mark). Either way the
      // picture is the early session's: one WHEP answer (below).
      const earlyFrame = marks['wrencos:whep-frame']!
      expect(marks['wrencos:hydrated']).toBeGreaterThan(earlyFrame > 0 ? Math.min(earlyFrame, 2000) : 2000)
      expect(await whepStatuses(page)).toHaveLength(1)
      await page.waitForTimeout(3000)
      await endShow(studio)
      await expect.poll(() => page.getByTestId('replay-video').isVisible(), { timeout: 30_000 }).toBe(true)
      expect(problems()).toEqual([])
      await audience.close()
      await host.close()
    }
    finally {
      await publisher.close()
      media.stop()
    }
  }, 120_000)

  // Last in this file: it replaces the server the others share.
  it('survives a server restart: host and viewers reconnect by themselves, and the replay keeps both parts', async () => {
    const { id } = await show(`Restart show ${Date.now()}`)
    const host = await adminContext(chromium())
    await keepConnections(host)
    const { page: studio } = await watchedPage(host)
    await hostGoesLive(studio, id)
    const wentLive = Date.now()
    const audience = await chromium().newContext()
    await keepConnections(audience)
    const { page } = await customer(audience, id)
    await expectLiveVideo(page)
    await page.waitForTimeout(3000)

    // kill -9, and the same server back on the same address and data a moment later.
    const killedAt = Date.now()
    await server.kill()
    await page.waitForTimeout(1000)
    server = await startServer(server.env, { dataDir: server.dataDir, port: server.port })
    // The viewer's connection died with the server: it made a new session, and the picture is back.
    await expect.poll(async () => (await whepStatuses(page)).length, { timeout: 45_000 }).toBeGreaterThanOrEqual(2)
    await expectLiveVideo(page, 45_000)
    const videoBackAt = Date.now()
    await expect.poll(() => studio.getByTestId('broadcast-state').textContent(), { timeout: 20_000 }).toMatch(/^\s*Live · \d+:\d\d\s*$/)
    await page.waitForTimeout(3000)

    const liveSeconds = (Date.now() - wentLive) / 1000
    await endShow(studio)
    await expect.poll(() => studio.getByTestId('replay-state').isVisible(), { timeout: 30_000 }).toBe(true)
    // Both parts are in it, one run each (the seconds the server was down have no picture to keep).
    await expect.poll(() => studio.getByTestId('replay-state').textContent(), { timeout: 30_000 }).toContain('seekable')
    const { replayRuns } = (await api(`/api/livestreams/${id}`, { base: server.baseURL })).body.livestream as { replayRuns: { lengthSeconds: number }[] }
    expect(replayRuns).toHaveLength(2)
    for (const run of replayRuns) expect(run.lengthSeconds).toBeGreaterThan(1)
    const recorded = replayRuns.reduce((sum, run) => sum + run.lengthSeconds, 0)
    console.info(`relay restart: ${replayRuns.map(run => run.lengthSeconds.toFixed(1)).join(' s + ')} s recorded of ${liveSeconds.toFixed(1)} s live; video back ${((videoBackAt - killedAt) / 1000).toFixed(1)} s after the kill`)
    await expectSeekableReplay(studio, recorded)
    await audience.close()
    await host.close()
  }, 180_000)
})
