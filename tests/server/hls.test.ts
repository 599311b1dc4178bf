// HLS for a CDN (PROTOCOL.md "Past one box"): with NUXT_HLS=true a live show published over WHIP
// is also served at /live/:id/hls/index.m3u8 as H.264 and AAC in segments of at most 2 s, stamped
// with the wall clock, with the cache headers a CDN honours; a full show's WHEP names it; the
// metrics count its segments and players; the files go when the show ends. The delay from
// publishing to the first playable playlist is measured and printed. (The page's fallback to it:
// tests/e2e/hls.test.ts.)
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { haveFfmpeg, startMediaSource, type MediaSource } from '../support/media-source'
import { startServer, type RunningServer } from '../support/server'
import { publishWithWerift, watchWithWerift } from '../support/werift-clients'

let server: RunningServer
let admin: string
let media: MediaSource
const closers: Array<() => unknown> = []
const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

describe.skipIf(!haveFfmpeg)('HLS packaging', () => {
  beforeAll(async () => {
    server = await startServer({ NUXT_MEDIA_MODE: 'relay', NUXT_HLS: 'true', NUXT_MEDIA_MAX_VIEWERS: '1' })
    admin = (await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token
    media = await startMediaSource({ videoKbps: 600, width: 640, height: 360 })
  })
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close()
    media?.stop()
    await server?.stop()
  })

  it('serves a live show as HLS with CDN cache headers, H.264 and AAC in short segments, and removes it when the show ends', { timeout: 90_000 }, async () => {
    const call = (path: string, options: Parameters<typeof api>[1] = {}) => api(path, { base: server.baseURL, token: admin, ...options })
    const { livestream } = (await call('/api/livestreams', { body: { title: 'HLS show', quality: '720p' } })).body
    const id = livestream.id as string
    const playlistUrl = `${server.baseURL}/live/${id}/hls/index.m3u8`
    expect((await call(`/api/livestreams/${id}/media`)).body.hlsUrl).toBe(playlistUrl)
    expect((await fetch(playlistUrl)).status).toBe(404)
    expect((await fetch(`${server.baseURL}/live/${id}/hls/..%2F..%2Fwrencos.sqlite`)).status).toBe(400)

    await call(`/api/livestreams/${id}/start`, { method: 'POST' })
    const { streamKey } = (await call(`/api/livestreams/${id}/stream-key`, { method: 'POST' })).body
    const publishedAt = Date.now()
    const publisher = await publishWithWerift(media, async (offer: string) => (await fetch(`${server.baseURL}/api/livestreams/${id}/whip`, {
      method: 'POST', body: offer, headers: { 'content-type': 'application/sdp', 'authorization': `Bearer ${streamKey}` },
    })).text())
    closers.push(() => publisher.close())

    // The playlist appears once a few segments are written.
    let playlist = ''
    for (let i = 0; i < 100; i++) {
      const answer = await fetch(playlistUrl)
      playlist = answer.ok ? await answer.text() : ''
      if ((playlist.match(/#EXTINF/g) ?? []).length >= 3) {
        expect(answer.headers.get('content-type')).toBe('application/vnd.apple.mpegurl')
        expect(answer.headers.get('cache-control')).toBe('public, max-age=1')
        expect(answer.headers.get('access-control-allow-origin')).toBe('*')
        break
      }
      await wait(300)
    }
    console.info(`HLS: a playlist with 3 segments ${((Date.now() - publishedAt) / 1000).toFixed(1)} s after the publisher connected`)
    // Each segment says when it was live (players measure how far behind they are from it), within a few seconds of now.
    const stamps = [...playlist.matchAll(/#EXT-X-PROGRAM-DATE-TIME:(\S+)/g)].map(match => Date.parse(match[1]!))
    expect(stamps.length).toBeGreaterThanOrEqual(3)
    expect(Math.abs(Date.now() - stamps.at(-1)!)).toBeLessThan(10_000)
    const durations = [...playlist.matchAll(/#EXTINF:([\d.]+)/g)].map(match => Number(match[1]))
    expect(durations.length).toBeGreaterThanOrEqual(3)
    for (const seconds of durations) expect(seconds).toBeLessThanOrEqual(2)
    const segment = playlist.split('\n').find(line => line.endsWith('.ts'))!
    const answer = await fetch(`${server.baseURL}/live/${id}/hls/${segment}`)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe('video/mp2t')
    expect(answer.headers.get('cache-control')).toBe('public, max-age=86400, immutable')
    // ffprobe lists an HLS program's streams once under the program and once on their own.
    const codecs = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', playlistUrl]).toString().split('\n').filter(Boolean)
    expect([...new Set(codecs)].sort()).toEqual(['aac', 'h264'])

    // Full (one WebRTC viewer here): the next WHEP is told to come back, and where else to watch.
    const exchange = async (offer: string) => (await fetch(`${server.baseURL}/api/livestreams/${id}/whep`, { method: 'POST', body: offer, headers: { 'content-type': 'application/sdp' } })).text()
    const viewer = await watchWithWerift(exchange)
    closers.push(() => viewer.close())
    const full = await fetch(`${server.baseURL}/api/livestreams/${id}/whep`, { method: 'POST', body: viewer.pc.localDescription!.sdp, headers: { 'content-type': 'application/sdp' } })
    expect(full.status).toBe(503)
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(full.headers.get('link')).toBe(`<${playlistUrl}>; rel="alternate"; type="application/vnd.apple.mpegurl"`)

    // The metrics: segments written, the newest one's age, and who plays the HLS (two more players, one named twice;
    // the players before them are this test's own fetches and ffprobe, each counted by address and user agent).
    let metrics = ''
    const metric = (name: string, labels: string) => Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(metrics)?.[1])
    const scrape = async () => void (metrics = await (await fetch(`${server.baseURL}/metrics`)).text())
    await scrape()
    const playersBefore = metric('wrencos_viewers_by_path', `livestream="${id}",path="hls"`)
    expect(playersBefore).toBeGreaterThanOrEqual(1)
    await fetch(`${playlistUrl}?v=viewer-one`)
    await fetch(`${playlistUrl}?v=viewer-one`)
    await fetch(`${playlistUrl}?v=viewer-two`)
    await scrape()
    expect(metric('wrencos_hls_segments_written', `livestream="${id}"`)).toBeGreaterThanOrEqual(3)
    expect(metric('wrencos_hls_segment_age_seconds', `livestream="${id}"`)).toBeLessThan(3)
    expect(metric('wrencos_viewers_by_path', `livestream="${id}",path="hls"`)).toBe(playersBefore + 2)
    expect(metric('wrencos_viewers_by_path', `livestream="${id}",path="webrtc"`)).toBe(1)

    await call(`/api/livestreams/${id}/stop`, { method: 'POST' })
    for (let i = 0; i < 50 && (await fetch(playlistUrl)).status !== 404; i++) await wait(200)
    expect((await fetch(playlistUrl)).status).toBe(404)
    expect(existsSync(join(server.dataDir, 'hls', id))).toBe(false)
  })
})
