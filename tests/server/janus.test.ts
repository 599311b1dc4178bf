// janus mode through the same HTTP contract as the relay (WHIP in, WHEP out), with a real Janus
// (Debian's 1.1.2, started per file with deploy/janus/start) and werift clients sending ffmpeg's
// VP8 and Opus: one process, two processes sharing the Janus through Redis, and Janus going away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { haveJanus, startJanus, type RunningJanus } from '../support/janus'
import { haveFfmpeg, startMediaSource, type MediaSource } from '../support/media-source'
import { haveRedis, REDIS_URL } from '../support/redis'
import { startServer, type RunningServer } from '../support/server'
import { TestSocket } from '../support/socket'
import { publishWithWerift, watchWithWerift, type WatchedMedia } from '../support/werift-clients'

let janus: RunningJanus
let media: MediaSource
const closers: Array<() => unknown> = []
const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

beforeAll(async () => {
  if (!haveJanus || !haveFfmpeg) return
  janus = await startJanus()
  media = await startMediaSource({ videoKbps: 800 })
})
afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close()
  media?.stop()
  await janus?.stop()
})

async function post(server: RunningServer, path: string, sdp: string, token?: string) {
  const response = await fetch(`${server.baseURL}${path}`, {
    method: 'POST', body: sdp, headers: { 'content-type': 'application/sdp', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  })
  return { status: response.status, location: response.headers.get('location'), text: await response.text() }
}

const exchange = (server: RunningServer, path: string, token?: string) => async (offer: string) => {
  const answer = await post(server, path, offer, token)
  if (answer.status !== 201) throw Object.assign(new Error(`${answer.status} ${answer.text}`), { status: answer.status })
  return answer.text
}

async function adminOf(server: RunningServer) {
  return (await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token as string
}

async function liveShow(server: RunningServer, admin: string, title: string) {
  const { livestream } = (await api('/api/livestreams', { base: server.baseURL, token: admin, body: { title, quality: '720p' } })).body
  await api(`/api/livestreams/${livestream.id}/start`, { base: server.baseURL, method: 'POST', token: admin })
  return livestream.id as string
}

async function roomOf(server: RunningServer, id: string) {
  const room = await TestSocket.open({ base: server.baseURL })
  closers.push(() => room.close())
  room.send({ type: 'register', livestreamId: id, sessionId: `session-${Math.random().toString(36).slice(2)}` })
  await room.next('registered')
  return room
}

/** Waits until `viewer` has more video than `before` (packets), within `ms`. */
async function flowing(viewer: WatchedMedia, ms = 8000) {
  const before = viewer.video.packets
  const deadline = Date.now() + ms
  while (Date.now() < deadline && viewer.video.packets < before + 30) await wait(100)
  return viewer.video.packets - before
}

describe.skipIf(!haveJanus || !haveFfmpeg)('janus mode', () => {
  let server: RunningServer
  let admin: string
  beforeAll(async () => {
    server = await startServer({ ...janus.env })
    admin = await adminOf(server)
  })
  afterAll(() => server?.stop())

  it('carries an encoder\'s stream through Janus to viewers, tells the room, and saves the replay and thumbnail', { timeout: 90_000 }, async () => {
    const id = await liveShow(server, admin, 'Janus show')
    const { streamKey } = (await api(`/api/livestreams/${id}/stream-key`, { base: server.baseURL, method: 'POST', token: admin })).body
    const room = await roomOf(server, id)
    expect(await room.next('media_state')).toEqual({ type: 'media_state', livestreamId: id, publishing: false })

    const publisher = await publishWithWerift(media, exchange(server, `/api/livestreams/${id}/whip`, streamKey))
    closers.push(() => publisher.close())
    await room.next('media_state', frame => frame.publishing === true, 10_000)
    expect((await api(`/api/livestreams/${id}/media`, { base: server.baseURL })).body).toMatchObject({ mode: 'janus', publishing: true })

    const viewers = await Promise.all([1, 2, 3].map(() => watchWithWerift(exchange(server, `/api/livestreams/${id}/whep`))))
    closers.push(() => Promise.all(viewers.map(viewer => viewer.close())))
    for (const viewer of viewers) expect(await flowing(viewer)).toBeGreaterThanOrEqual(30)
    await wait(2000)
    for (const viewer of viewers) {
      expect(viewer.video.keyframes).toBeGreaterThanOrEqual(1)
      expect(viewer.audio.packets).toBeGreaterThan(20)
    }
    // A late viewer starts from the mountpoint's buffered key frame.
    const late = await watchWithWerift(exchange(server, `/api/livestreams/${id}/whep`))
    closers.push(() => late.close())
    expect(await flowing(late)).toBeGreaterThanOrEqual(30)
    expect(late.video.keyframes).toBeGreaterThanOrEqual(1)

    const pictured = await room.next('livestream_updated', frame => !!frame.livestream.thumbnailUrl, 20_000)
    const thumbnail = await fetch(`${server.baseURL}${pictured.livestream.thumbnailUrl}`)
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg')

    await api(`/api/livestreams/${id}/stop`, { base: server.baseURL, method: 'POST', token: admin })
    const replay = await room.next('livestream_updated', frame => !!frame.livestream.videoUrl, 20_000)
    const file = await fetch(`${server.baseURL}${replay.livestream.videoUrl}`)
    expect(file.status).toBe(200)
    expect(Number(file.headers.get('content-length'))).toBeGreaterThan(50_000)
    // The show's room and mountpoints are gone from Janus: its viewers stop getting media.
    await wait(1000)
    const after = late.video.packets
    await wait(1500)
    expect(late.video.packets - after).toBeLessThan(5)
  })

  it('refuses bad input with its 4xx and keeps serving', { timeout: 60_000 }, async () => {
    const id = await liveShow(server, admin, 'Janus refusals')
    expect((await post(server, `/api/livestreams/${id}/whep`, 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n')).status).toBe(404)
    expect((await post(server, `/api/livestreams/${id}/whip`, 'v=0\r\nnot an offer', admin)).status).toBe(400)
    expect((await post(server, `/api/livestreams/${id}/whip`, 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n', admin)).status).toBe(400)
    const publisher = await publishWithWerift(media, exchange(server, `/api/livestreams/${id}/whip`, admin))
    closers.push(() => publisher.close())
    await wait(1500)
    await expect(publishWithWerift(media, exchange(server, `/api/livestreams/${id}/whip`, admin))).rejects.toMatchObject({ status: 409 })
    const fragment = { method: 'PATCH', body: 'a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n', headers: { 'content-type': 'application/trickle-ice-sdpfrag' } }
    expect((await fetch(`${server.baseURL}/api/livestreams/${id}/whep/made-up-session`, fragment)).status).toBe(404)
    const viewer = await watchWithWerift(exchange(server, `/api/livestreams/${id}/whep`))
    closers.push(() => viewer.close())
    expect(await flowing(viewer)).toBeGreaterThanOrEqual(30)
    expect((await api('/readyz', { base: server.baseURL })).body.checks.media).toBe(true)
  })
})

describe.skipIf(!haveJanus || !haveFfmpeg || !haveRedis)('janus mode, two processes through Redis', () => {
  it('a host publishing through process A reaches viewers who came in through process B', { timeout: 90_000 }, async () => {
    const secret = `shared-${Math.random().toString(36).slice(2)}`
    const a = await startServer({ ...janus.env, NUXT_REDIS_URL: REDIS_URL, NUXT_JWT_SECRET: secret })
    const b = await startServer({ ...janus.env, NUXT_REDIS_URL: REDIS_URL, NUXT_JWT_SECRET: secret, NUXT_ADMIN_EMAIL: a.env.NUXT_ADMIN_EMAIL!, NUXT_ADMIN_PASSWORD: a.env.NUXT_ADMIN_PASSWORD! }, { dataDir: a.dataDir })
    closers.push(() => b.stop(), () => a.stop())
    const admin = await adminOf(a)
    const id = await liveShow(a, admin, 'Two processes')
    const roomOnB = await roomOf(b, id)
    const publisher = await publishWithWerift(media, exchange(a, `/api/livestreams/${id}/whip`, admin))
    closers.push(() => publisher.close())
    await roomOnB.next('media_state', frame => frame.publishing === true, 10_000)
    expect((await api(`/api/livestreams/${id}/media`, { base: b.baseURL })).body).toMatchObject({ mode: 'janus', publishing: true })
    const onB = await watchWithWerift(exchange(b, `/api/livestreams/${id}/whep`))
    const onA = await watchWithWerift(exchange(a, `/api/livestreams/${id}/whep`))
    closers.push(() => onB.close(), () => onA.close())
    expect(await flowing(onB)).toBeGreaterThanOrEqual(30)
    expect(await flowing(onA)).toBeGreaterThanOrEqual(30)
  })
})

describe.skipIf(!haveJanus || !haveFfmpeg)('janus mode, Janus going away mid-show', () => {
  it('tells the room the host\'s media stopped, refuses media calls with 503, and carries the show again once Janus is back', { timeout: 90_000 }, async () => {
    const server = await startServer({ ...janus.env })
    closers.push(() => server.stop())
    const admin = await adminOf(server)
    const id = await liveShow(server, admin, 'Janus goes away')
    const room = await roomOf(server, id)
    const first = await publishWithWerift(media, exchange(server, `/api/livestreams/${id}/whip`, admin))
    closers.push(() => first.close())
    await room.next('media_state', frame => frame.publishing === true, 10_000)
    const viewer = await watchWithWerift(exchange(server, `/api/livestreams/${id}/whep`))
    closers.push(() => viewer.close())
    expect(await flowing(viewer)).toBeGreaterThanOrEqual(30)

    await janus.kill()
    await room.next('media_state', frame => frame.publishing === false, 5000)
    const refused = await post(server, `/api/livestreams/${id}/whep`, (await viewer.pc.createOffer()).sdp)
    expect(refused.status).toBe(503)
    expect((await api('/readyz', { base: server.baseURL })).status).toBe(503)
    expect((await api('/healthz', { base: server.baseURL })).status).toBe(200)
    // Chat and the rest of the show go on without the media server.
    expect((await api(`/api/livestreams/${id}`, { base: server.baseURL })).body.livestream.status).toBe('live')

    await janus.restart()
    // The host's studio publishes again (as the studio does by itself), then viewers watch again.
    let again: Awaited<ReturnType<typeof publishWithWerift>> | undefined
    const deadline = Date.now() + 15_000
    while (!again && Date.now() < deadline) {
      again = await publishWithWerift(media, exchange(server, `/api/livestreams/${id}/whip`, admin)).catch(async (error) => {
        expect(error.status).toBe(503)
        await wait(500)
        return undefined
      })
    }
    expect(again).toBeDefined()
    closers.push(() => again!.close())
    await room.next('media_state', frame => frame.publishing === true, 10_000)
    const back = await watchWithWerift(exchange(server, `/api/livestreams/${id}/whep`))
    closers.push(() => back.close())
    expect(await flowing(back)).toBeGreaterThanOrEqual(30)
    expect((await api('/readyz', { base: server.baseURL })).status).toBe(200)

    // The replay has both parts of the show: before Janus went away and after it came back.
    await wait(3000)
    await api(`/api/livestreams/${id}/stop`, { base: server.baseURL, method: 'POST', token: admin })
    const replay = await room.next('livestream_updated', frame => !!frame.livestream.videoUrl, 20_000)
    expect(replay.livestream.replayRuns.length).toBe(2)
  })
})
