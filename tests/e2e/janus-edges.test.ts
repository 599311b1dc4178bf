// A customer's page on a Janus edge that dies (PROTOCOL.md "Past one box"): the page notices its
// picture stopped, hears from the server that its session went with the edge, opens a new WHEP
// session, and plays again from the other edge. Three Janus of this file's own (deploy/janus/start), one secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { screenshot, useAppServer, useChromium } from '../support/browser'
import { expectLiveVideo, openLivePage } from '../support/customer-page'
import { haveJanus, startJanus, type RunningJanus } from '../support/janus'
import { keepConnections, whepStatuses } from '../support/media-pages'
import { haveFfmpeg, startMediaSource, type MediaSource } from '../support/media-source'
import { startServer, type RunningServer } from '../support/server'
import { publishWithWerift } from '../support/werift-clients'

let januses: RunningJanus[] = []
let media: MediaSource
let server: RunningServer
let admin: string
const closers: Array<() => unknown> = []

beforeAll(async () => {
  if (!haveJanus || !haveFfmpeg) return
  const secret = `edges-e2e-${Math.random().toString(36).slice(2)}`
  januses = await Promise.all([0, 1, 2].map(() => startJanus({ secret })))
  media = await startMediaSource({ videoKbps: 800, width: 640, height: 360 })
  server = await startServer({ ...januses[0]!.env, NUXT_JANUS_EDGES: januses.slice(1).map(edge => edge.url).join(',') })
  admin = (await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token
  useAppServer({ baseURL: server.baseURL, adminToken: admin })
}, 60_000)
afterAll(async () => {
  // The source first, and each closer on its own: a werift close that throws must not leave ffmpeg running.
  media?.stop()
  for (const close of closers.splice(0).reverse()) await Promise.resolve().then(close).catch(() => {})
  await server?.stop()
  await Promise.all(januses.map(janus => janus.stop()))
})

/** Which edge this process has the page's viewer on (the metrics). */
async function edgeOfTheViewer() {
  const text = await (await fetch(`${server.baseURL}/metrics`)).text()
  return januses.slice(1).findIndex(edge => new RegExp(`^wrencos_media_edge_viewers\\{edge="${edge.url}",scope="process"\\} 1$`, 'm').test(text)) + 1
}

describe.skipIf(!haveJanus || !haveFfmpeg)('janus edges (Chromium)', () => {
  const chromium = useChromium()

  it('a customer whose edge dies plays again from the other edge within 5 s', { timeout: 90_000 }, async () => {
    const call = (path: string, options: Parameters<typeof api>[1] = {}) => api(path, { base: server.baseURL, token: admin, ...options })
    const { livestream: { id } } = (await call('/api/livestreams', { body: { title: 'Edges in the browser', quality: '480p' } })).body
    await call(`/api/livestreams/${id}/start`, { method: 'POST' })
    const publisher = await publishWithWerift(media, async offer => (await fetch(`${server.baseURL}/api/livestreams/${id}/whip`, {
      method: 'POST', body: offer, headers: { 'content-type': 'application/sdp', 'authorization': `Bearer ${admin}` },
    })).text())
    closers.push(() => publisher.close())
    await expect.poll(async () => (await call(`/api/livestreams/${id}/media`)).body.publishing, { timeout: 15_000 }).toBe(true)

    const context = await chromium().newContext()
    closers.push(() => context.close())
    await keepConnections(context)
    const { page, problems } = await openLivePage(context, id)
    await expectLiveVideo(page)
    const edge = await edgeOfTheViewer()
    expect(edge).toBeGreaterThan(0)

    // Whether the player showed new frames in the last 300 ms.
    const decoding = () => page.getByTestId('live-video').evaluate((video: HTMLVideoElement) => new Promise<boolean>((resolve) => {
      let frames = 0
      let counting = true
      const count = () => {
        frames++
        if (counting) video.requestVideoFrameCallback(count)
      }
      video.requestVideoFrameCallback(count)
      setTimeout(() => {
        counting = false
        resolve(frames > 2)
      }, 300)
    }))
    const answers = async () => (await whepStatuses(page)).length
    const killedAt = Date.now()
    await januses[edge]!.kill()
    // The page gives its session up (its old connection closed) and opens a new one: any frame after that is from the other edge.
    await expect.poll(answers, { timeout: 5000, interval: 50 }).toBe(2)
    await expect.poll(decoding, { timeout: 5000, interval: 0 }).toBe(true)
    const backAfter = Date.now() - killedAt
    console.info(`edges (Chromium): the page's edge killed; its picture back from the other edge ${backAfter} ms later`)
    expect(backAfter).toBeLessThan(5000)
    await expect.poll(edgeOfTheViewer, { timeout: 3000 }).toBe(3 - edge)
    expect(await answers()).toBe(2)
    await expectLiveVideo(page)
    await screenshot(page, 'janus-edge-failover')
    // The one the console shows: the page's question about its old session, which the server no longer had (404).
    expect(problems().filter(problem => !/status of 404/.test(problem))).toEqual([])
  })
})
