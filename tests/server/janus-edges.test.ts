// Janus edges (PROTOCOL.md "Past one box"): three Janus processes on loopback, started as
// deploy/janus/start starts them (an origin and two edges sharing one secret). The host publishes
// into the origin; viewers spread over both edges and get the whole 1.5 Mbit/s; one edge is killed
// mid-show and its viewers, acting as the live page does (a connection that stops receiving opens
// a new WHEP session after 2.5 s), are back on the other edge within 5 s while the others never
// notice; the recording, fed by the origin, has no gap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { haveJanus, startJanus, type RunningJanus } from '../support/janus'
import { haveFfmpeg, startMediaSource, type MediaSource } from '../support/media-source'
import { videoTimeline } from '../support/recording-gaps'
import { haveRedis, REDIS_URL } from '../support/redis'
import { startServer, type RunningServer } from '../support/server'
import { TestSocket } from '../support/socket'
import { publishWithWerift, watchWithWerift, type WatchedMedia } from '../support/werift-clients'

const VIEWERS = 6
/** What the live page waits before it gives up on a connection that stopped receiving (composables/video/whep-viewer.ts). */
const STALLED_MS = 2500
const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

let origin: RunningJanus
let edges: RunningJanus[] = []
let media: MediaSource
let server: RunningServer
const closers: Array<() => unknown> = []

beforeAll(async () => {
  if (!haveJanus || !haveFfmpeg) return
  const secret = `edges-${Math.random().toString(36).slice(2)}`
  const started = await Promise.all([0, 1, 2].map(() => startJanus({ secret })))
  origin = started[0]!
  edges = started.slice(1)
  media = await startMediaSource({ videoKbps: 1500 })
  server = await startServer({ ...origin.env, NUXT_JANUS_EDGES: edges.map(edge => edge.url).join(',') })
}, 60_000)
afterAll(async () => {
  // The source first, and each closer on its own: a werift close that throws must not leave ffmpeg running.
  media?.stop()
  for (const close of closers.splice(0).reverse()) await Promise.resolve().then(close).catch(() => {})
  await server?.stop()
  await Promise.all([origin, ...edges].map(janus => janus?.stop()))
})

/**
 * A viewer as the live page is one: when its connection stops receiving for STALLED_MS it opens a
 * new WHEP session. `stalls` records when each stall was noticed and when the new session's
 * first video arrived; `received` counts video packets over every session it had.
 */
function resilientViewer(exchange: (offer: string) => Promise<string>) {
  const viewer = {
    current: undefined as WatchedMedia | undefined,
    received: 0,
    stalls: [] as { noticedAt: number, backAt?: number }[],
    samples: [] as { at: number, received: number, lost: number, packets: number }[],
    closed: false,
  }
  let counted = 0
  let lastGrewAt = Date.now()
  const timer = setInterval(async () => {
    const current = viewer.current
    if (!current || viewer.closed) return
    const now = Date.now()
    if (current.video.packets > counted) {
      viewer.received += current.video.packets - counted
      counted = current.video.packets
      lastGrewAt = now
      const stall = viewer.stalls.at(-1)
      if (stall && !stall.backAt) stall.backAt = now
    }
    viewer.samples.push({ at: now, received: viewer.received, lost: current.video.lost, packets: current.video.packets })
    if (now - lastGrewAt > STALLED_MS) {
      viewer.stalls.push({ noticedAt: now })
      lastGrewAt = now
      viewer.current = undefined
      void current.close()
      // Refused (the show ended, a moment without an edge): asked again at the next stall.
      viewer.current = await watchWithWerift(exchange).catch(() => current)
      counted = 0
    }
  }, 100)
  return {
    viewer,
    async start() {
      viewer.current = await watchWithWerift(exchange)
      return viewer
    },
    async close() {
      viewer.closed = true
      clearInterval(timer)
      await viewer.current?.close()
    },
  }
}

/** Video kbit/s and loss of a viewer over the last `ms` (from its samples). */
function recent(viewer: ReturnType<typeof resilientViewer>['viewer'], ms: number) {
  const now = Date.now()
  const window = viewer.samples.filter(sample => sample.at >= now - ms)
  const first = window[0]!
  const last = window.at(-1)!
  const bytesPerPacket = viewer.current ? viewer.current.video.bytes / Math.max(1, viewer.current.video.packets) : 0
  const packets = last.received - first.received
  return {
    kbps: (packets * bytesPerPacket * 8) / (last.at - first.at),
    loss: last.packets > first.packets ? (last.lost - first.lost) / (last.packets - first.packets + last.lost - first.lost) : 0,
  }
}

/** The longest time without a new video packet in `viewer`'s samples since `from`, ms. */
function longestSilence(viewer: ReturnType<typeof resilientViewer>['viewer'], from: number) {
  let longest = 0
  let lastGrowth = from
  let previous: number | undefined
  for (const sample of viewer.samples.filter(one => one.at >= from)) {
    if (previous !== undefined && sample.received > previous) lastGrowth = sample.at
    longest = Math.max(longest, sample.at - lastGrowth)
    previous = sample.received
  }
  return longest
}

async function metrics(of = server) {
  const text = await (await fetch(`${of.baseURL}/metrics`)).text()
  return (name: string, labels: string) => Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN)
}

describe.skipIf(!haveJanus || !haveFfmpeg)('janus edges: an origin and two edges', () => {
  it('spreads viewers over the edges at full rate, and moves an edge\'s viewers to the other when it dies, the recording unbroken', { timeout: 150_000 }, async () => {
    const admin = (await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token as string
    const call = (path: string, options: Parameters<typeof api>[1] = {}) => api(path, { base: server.baseURL, token: admin, ...options })
    const { livestream } = (await call('/api/livestreams', { body: { title: 'Edges', quality: '720p' } })).body
    const id = livestream.id as string
    await call(`/api/livestreams/${id}/start`, { method: 'POST' })
    const room = await TestSocket.open({ base: server.baseURL })
    closers.push(() => room.close())
    room.send({ type: 'register', livestreamId: id, sessionId: 'edges-room' })
    await room.next('registered')

    const publisher = await publishWithWerift(media, async (offer) => {
      const answer = await fetch(`${server.baseURL}/api/livestreams/${id}/whip`, { method: 'POST', body: offer, headers: { 'content-type': 'application/sdp', 'authorization': `Bearer ${admin}` } })
      return answer.text()
    })
    closers.push(() => publisher.close())
    await room.next('media_state', frame => frame.publishing === true, 15_000)
    const publishedAt = Date.now()

    const exchange = async (offer: string) => {
      const answer = await fetch(`${server.baseURL}/api/livestreams/${id}/whep`, { method: 'POST', body: offer, headers: { 'content-type': 'application/sdp' } })
      if (answer.status !== 201) throw new Error(`WHEP ${answer.status}: ${await answer.text()}`)
      return answer.text()
    }
    const viewers = []
    const resilients: ReturnType<typeof resilientViewer>[] = []
    for (let i = 0; i < VIEWERS; i++) {
      const resilient = resilientViewer(exchange)
      resilients.push(resilient)
      closers.push(() => resilient.close())
      viewers.push(await resilient.start())
    }
    // Spread: three on each edge, none on the origin.
    const spread = await metrics()
    expect(edges.map(edge => spread('wrencos_media_edge_viewers', `edge="${edge.url}",scope="process"`))).toEqual([3, 3])
    expect(edges.map(edge => spread('wrencos_media_edge_up', `edge="${edge.url}"`))).toEqual([1, 1])

    // Full rate to each, no loss to speak of.
    await wait(8000)
    for (const viewer of viewers) {
      const { kbps, loss } = recent(viewer, 5000)
      expect(kbps).toBeGreaterThan(1200)
      expect(loss).toBeLessThan(0.005)
    }
    const rates = viewers.map(viewer => Math.round(recent(viewer, 5000).kbps))
    console.info(`edges: ${VIEWERS} viewers over two edges at ${Math.min(...rates)}-${Math.max(...rates)} kbit/s`)

    // The first edge dies, as a crash would (SIGKILL: nothing said to anyone).
    const killedAt = Date.now()
    await edges[0]!.kill()
    await wait(9000)
    const moved = viewers.filter(viewer => viewer.stalls.length)
    const stayed = viewers.filter(viewer => !viewer.stalls.length)
    expect(moved).toHaveLength(3)
    const backWithin = moved.map(viewer => viewer.stalls[0]!.backAt! - killedAt)
    console.info(`edges: an edge killed; its viewers back on the other ${backWithin.map(ms => `${ms} ms`).join(', ')} after; the others' longest silence ${Math.max(...stayed.map(viewer => longestSilence(viewer, killedAt)))} ms`)
    for (const ms of backWithin) expect(ms).toBeLessThan(5000)
    // The others never noticed: no silence longer than a moment, and no loss.
    for (const viewer of stayed) {
      expect(longestSilence(viewer, killedAt)).toBeLessThan(500)
      expect(recent(viewer, 9000).loss).toBeLessThan(0.005)
    }
    for (const viewer of viewers) expect(recent(viewer, 3000).kbps).toBeGreaterThan(1200)
    const after = await metrics()
    expect(after('wrencos_media_edge_up', `edge="${edges[0]!.url}"`)).toBe(0)
    expect(after('wrencos_media_edge_viewers', `edge="${edges[1]!.url}",scope="process"`)).toBe(6)

    // The recording came from the origin all along: one run of video with no hole in it.
    for (const viewer of resilients) await viewer.close()
    await call(`/api/livestreams/${id}/stop`, { method: 'POST' })
    const replay = await room.next('livestream_updated', frame => !!frame.livestream.videoUrl, 30_000)
    const { seconds, largestGap } = videoTimeline(`${server.baseURL}${replay.livestream.videoUrl}`)
    console.info(`edges: recording ${seconds.toFixed(1)} s for ${((Date.now() - publishedAt) / 1000).toFixed(1)} s live, its largest gap ${(largestGap * 1000).toFixed(0)} ms`)
    expect(largestGap).toBeLessThan(0.5)
    expect(seconds).toBeGreaterThan(15)
  })

  it.skipIf(!haveRedis)('spreads the viewers of two processes sharing Redis by what the edges report, whichever process the host publishes through', { timeout: 90_000 }, async () => {
    // The edge the first test killed is back (on its port, as a restarted server would be).
    await edges[0]!.restart()
    const jwt = `edges-${Math.random().toString(36).slice(2)}`
    const env = { ...origin.env, NUXT_JANUS_EDGES: edges.map(edge => edge.url).join(','), NUXT_REDIS_URL: REDIS_URL, NUXT_JWT_SECRET: jwt }
    const a = await startServer(env)
    const b = await startServer({ ...env, NUXT_ADMIN_EMAIL: a.env.NUXT_ADMIN_EMAIL!, NUXT_ADMIN_PASSWORD: a.env.NUXT_ADMIN_PASSWORD! }, { dataDir: a.dataDir })
    closers.push(() => b.stop(), () => a.stop())
    const edgesUp = async (through: RunningServer) => {
      const read = await metrics(through)
      return edges.map(edge => read('wrencos_media_edge_up', `edge="${edge.url}"`))
    }
    for (const through of [a, b]) await expect.poll(() => edgesUp(through), { timeout: 10_000 }).toEqual([1, 1])
    const admin = (await api('/api/auth/login', { base: a.baseURL, body: { email: a.env.NUXT_ADMIN_EMAIL, password: a.env.NUXT_ADMIN_PASSWORD } })).body.token as string
    const { livestream } = (await api('/api/livestreams', { base: a.baseURL, token: admin, body: { title: 'Edges, two processes', quality: '720p' } })).body
    const id = livestream.id as string
    await api(`/api/livestreams/${id}/start`, { base: a.baseURL, method: 'POST', token: admin })
    const publisher = await publishWithWerift(media, async offer => (await fetch(`${a.baseURL}/api/livestreams/${id}/whip`, {
      method: 'POST', body: offer, headers: { 'content-type': 'application/sdp', 'authorization': `Bearer ${admin}` },
    })).text())
    closers.push(() => publisher.close())
    await expect.poll(async () => (await api(`/api/livestreams/${id}/media`, { base: b.baseURL })).body.publishing, { timeout: 15_000 }).toBe(true)

    const watchThrough = (through: RunningServer) => watchWithWerift(async offer => (await fetch(`${through.baseURL}/api/livestreams/${id}/whep`, {
      method: 'POST', body: offer, headers: { 'content-type': 'application/sdp' },
    })).text())
    // Two through A; then, once B has heard from the edges, two through B.
    const viewers = [await watchThrough(a), await watchThrough(a)]
    await wait(4500)
    viewers.push(await watchThrough(b), await watchThrough(b))
    closers.push(() => Promise.all(viewers.map(viewer => viewer.close())))
    await wait(3000)
    for (const viewer of viewers) {
      const before = viewer.video.packets
      await wait(1000)
      expect(viewer.video.packets - before).toBeGreaterThan(30)
    }
    // Each edge carries two, one from each process: B counted A's viewers through the edges' own figures.
    await wait(2500)
    const onA = await metrics(a)
    const onB = await metrics(b)
    for (const edge of edges) {
      expect(onA('wrencos_media_edge_viewers', `edge="${edge.url}",scope="process"`)).toBe(1)
      expect(onB('wrencos_media_edge_viewers', `edge="${edge.url}",scope="process"`)).toBe(1)
      expect(onB('wrencos_media_edge_viewers', `edge="${edge.url}",scope="edge"`)).toBe(2)
    }
  })
})
