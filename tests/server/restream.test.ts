// Restreaming (PROTOCOL.md "Reaching other platforms") against real RTMP servers (Debian's nginx
// with its RTMP module): a show published over WHIP (werift, ffmpeg's VP8 and Opus) goes out to two
// destinations as H.264 and AAC, one transcode shared by both; one destination killed and started
// again gets its push back by itself while the other never stops; a wrong URL ends `failed` with a
// readable error; the stream key is never answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { haveFfmpeg, startMediaSource, type MediaSource } from '../support/media-source'
import { haveRtmpServer, probeRtmp, startRtmpServer, type RtmpServer } from '../support/rtmp-server'
import { startServer, type RunningServer } from '../support/server'
import { TestSocket } from '../support/socket'
import { publishWithWerift } from '../support/werift-clients'

let server: RunningServer
let admin: string
let media: MediaSource
const rtmp: RtmpServer[] = []
const closers: Array<() => unknown> = []

describe.skipIf(!haveFfmpeg || !haveRtmpServer)('restreaming to RTMP', () => {
  beforeAll(async () => {
    server = await startServer({ NUXT_MEDIA_MODE: 'relay' })
    admin = (await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token
    media = await startMediaSource({ videoKbps: 600, width: 640, height: 360 })
    const base = 21_000 + Math.floor(Math.random() * 2000) * 2
    rtmp.push(await startRtmpServer(base), await startRtmpServer(base + 1))
  })
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close()
    media?.stop()
    await server?.stop()
    for (const one of rtmp) await one.stop()
  })

  it('pushes a live show to two destinations; a destination that dies comes back by itself, the other never stops', { timeout: 120_000 }, async () => {
    const call = (path: string, options: Parameters<typeof api>[1] = {}) => api(path, { base: server.baseURL, token: admin, ...options })
    const { livestream } = (await call('/api/livestreams', { body: { title: 'Also live on', quality: '720p' } })).body
    const id = livestream.id as string
    const [youtube, twitch] = rtmp as [RtmpServer, RtmpServer]
    const keyA = `yt-key-${Date.now()}`
    const keyB = `tw-key-${Date.now()}`
    const a = await call(`/api/livestreams/${id}/destinations`, { body: { name: 'YouTube', url: youtube.url, streamKey: keyA } })
    expect(a.status).toBe(201)
    expect(JSON.stringify(a.body)).not.toContain(keyA)
    const b = await call(`/api/livestreams/${id}/destinations`, { body: { name: 'Twitch', url: `${twitch.url}/`, streamKey: keyB } })
    expect((await call(`/api/livestreams/${id}/destinations`, { body: { name: 'Bad', url: 'http://example.com/live', streamKey: 'k' } })).status).toBe(400)
    const listed = (await call(`/api/livestreams/${id}/destinations`)).body
    expect(listed).toMatchObject({ available: true, items: [{ name: 'YouTube', url: youtube.url, state: 'idle' }, { name: 'Twitch', url: twitch.url }] })
    expect(JSON.stringify(listed)).not.toMatch(/key-/)

    const studio = await TestSocket.open({ base: server.baseURL, token: admin })
    closers.push(() => studio.close())
    studio.send({ type: 'register_admin', livestreamId: id })
    await studio.next('admin_registered')
    await call(`/api/livestreams/${id}/start`, { method: 'POST' })
    const { streamKey } = (await call(`/api/livestreams/${id}/stream-key`, { method: 'POST' })).body
    const publisher = await publishWithWerift(media, async (offer: string) => {
      const response = await fetch(`${server.baseURL}/api/livestreams/${id}/whip`, { method: 'POST', body: offer, headers: { 'content-type': 'application/sdp', 'authorization': `Bearer ${streamKey}` } })
      return response.text()
    })
    closers.push(() => publisher.close())

    const destA = a.body.destination.id as string
    const destB = b.body.destination.id as string
    const live = (destinationId: string) => studio.next('destination_state', frame => frame.destinationId === destinationId && frame.state === 'live', 30_000)
    await Promise.all([live(destA), live(destB)])
    for (const [target, key] of [[youtube, keyA], [twitch, keyB]] as const) {
      expect(await probeRtmp(`${target.url}/${key}`)).toEqual({ codecs: ['aac', 'h264'] })
    }

    // Twitch's server dies and comes back: its push retries and is live again; YouTube's never stopped.
    const statesOfA = () => studio.frames.filter(frame => frame.type === 'destination_state' && frame.destinationId === destA).map(frame => frame.state)
    for (const frame of studio.frames.filter(frame => frame.type === 'destination_state')) studio.frames.splice(studio.frames.indexOf(frame), 1)
    await twitch.stop()
    await studio.next('destination_state', frame => frame.destinationId === destB && frame.state === 'retrying', 20_000)
    await twitch.start()
    await live(destB)
    expect(await probeRtmp(`${twitch.url}/${keyB}`)).toEqual({ codecs: ['aac', 'h264'] })
    expect(await probeRtmp(`${youtube.url}/${keyA}`)).toEqual({ codecs: ['aac', 'h264'] })
    expect(statesOfA()).toEqual([])

    // A destination nobody listens on: `failed`, in words a person can read, and no key in them.
    const wrong = await call(`/api/livestreams/${id}/destinations`, { body: { name: 'Typo', url: 'rtmp://127.0.0.1:9/live', streamKey: 'secret-typo-key' } })
    const failed = await studio.next('destination_state', frame => frame.destinationId === wrong.body.destination.id && frame.state === 'failed', 40_000)
    expect(failed.error).toMatch(/Connection refused|Cannot open connection|Input\/output error|error/i)
    expect(failed.error).not.toContain('secret-typo-key')
    // Nor does the server's log hold any key.
    for (const key of [keyA, keyB, 'secret-typo-key']) expect(server.output()).not.toContain(key)
    expect((await call(`/api/livestreams/${id}/destinations`)).body.items.find((item: { id: string }) => item.id === wrong.body.destination.id)).toMatchObject({ state: 'failed', error: failed.error })

    // Removing a destination stops its push; ending the show stops them all.
    expect((await call(`/api/livestreams/${id}/destinations/${wrong.body.destination.id}`, { method: 'DELETE' })).status).toBe(204)
    await call(`/api/livestreams/${id}/stop`, { method: 'POST' })
    await new Promise(resolve => setTimeout(resolve, 3000))
    expect((await probeRtmp(`${youtube.url}/${keyA}`)).codecs).toEqual([])
  })
})
