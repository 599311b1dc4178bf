// What an anonymous client could do to the media endpoints of 524255a (the outside review of
// round 3), against a relay server with every shipped limit: endless bodies, more WHEP sessions
// than any address may hold, sessions that never connect, a port range used up, ICE fragments
// with replacement patterns, offers that made werift's internals show, and a Host header that
// chose the URLs the server hands out.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { haveFfmpeg, startMediaSource, type MediaSource } from '../support/media-source'
import { pourBody, rawRequest, type RawAnswer } from '../support/raw-http'
import { freePort, startServer, type RunningServer } from '../support/server'
import { publishWithWerift, watchWithWerift } from '../support/werift-clients'
import { peer } from '../../bench/lib/werift-peers.mjs'

let server: RunningServer
let admin: string
let media: MediaSource
const closers: Array<() => unknown> = []
const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
/** WHEP sessions one address may hold here (the socket cap), and the UDP ports the relay may bind. */
const PER_ADDRESS = 4
const PORTS = 24

const rssMiB = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.process.pid}/status`, 'utf8'))![1]) / 1024

beforeAll(async () => {
  const low = 20_000 + ((await freePort()) % 20_000)
  server = await startServer({
    NUXT_MEDIA_MODE: 'relay',
    NUXT_MEDIA_PORT_RANGE: `${low}-${low + PORTS - 1}`,
    NUXT_MAX_SOCKETS_PER_ADDRESS: String(PER_ADDRESS),
    // Every shipped rate limit (the shared test server raises the per-address ones).
    NUXT_RATE_LIMITS: '',
  })
  admin = (await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token
  if (haveFfmpeg) media = await startMediaSource({ videoKbps: 600 })
})
afterAll(async () => {
  for (const close of closers.splice(0).reverse()) await close()
  media?.stop()
  await server?.stop()
})

async function liveShow(title: string) {
  const { livestream } = (await api('/api/livestreams', { base: server.baseURL, token: admin, body: { title, quality: '720p' } })).body
  await api(`/api/livestreams/${livestream.id}/start`, { base: server.baseURL, method: 'POST', token: admin })
  return livestream.id as string
}

/**
 * A real offer (a werift player's, or with `sendonly` a publisher's, with its candidates) that
 * nobody will ever connect with: enough for the relay to answer.
 */
async function strayOffer(direction: 'recvonly' | 'sendonly' = 'recvonly') {
  const pc = peer()
  pc.addTransceiver('video', { direction })
  pc.addTransceiver('audio', { direction })
  await pc.setLocalDescription(await pc.createOffer())
  await wait(300)
  closers.push(() => pc.close())
  return pc.localDescription!.sdp
}

const whep = (id: string, sdp: string, from?: string) =>
  rawRequest({ url: `${server.baseURL}/api/livestreams/${id}/whep`, method: 'POST', headers: { 'content-type': 'application/sdp' }, body: sdp, from })

describe('request bodies', () => {
  it('stops a 300 MB chunked body at 64 KiB on WHEP, WHIP and PATCH, and the server\'s memory stays where it was', { timeout: 60_000 }, async () => {
    const id = await liveShow('Endless bodies')
    const { streamKey } = (await api(`/api/livestreams/${id}/stream-key`, { base: server.baseURL, method: 'POST', token: admin })).body
    const sdp = { 'content-type': 'application/sdp' }
    const before = rssMiB()
    // 524255a: each took 300 MB in (RSS 293 MB -> 1.15 GB) before answering 413.
    const viewer = await pourBody(`${server.baseURL}/api/livestreams/${id}/whep`, 'POST', sdp, 300)
    expect(viewer.status).toBe(413)
    const host = await pourBody(`${server.baseURL}/api/livestreams/${id}/whip`, 'POST', { ...sdp, authorization: `Bearer ${streamKey}` }, 300)
    expect(host.status).toBe(413)
    const patch = await pourBody(`${server.baseURL}/api/livestreams/${id}/whep/some-session-id`, 'PATCH', { 'content-type': 'application/trickle-ice-sdpfrag' }, 300)
    expect(patch.status).toBe(413)
    // Credentials before the body: an anonymous WHIP is refused before a byte of it is read.
    const anonymous = await pourBody(`${server.baseURL}/api/livestreams/${id}/whip`, 'POST', sdp, 300)
    expect(anonymous.status).toBe(401)
    // The same for a JSON route.
    const json = await pourBody(`${server.baseURL}/api/auth/guest`, 'POST', { 'content-type': 'application/json' }, 300)
    expect(json.status).toBe(413)
    for (const poured of [viewer, host, patch, anonymous, json]) expect(poured.sentMiB).toBeLessThan(300)
    expect(rssMiB() - before).toBeLessThan(64)
    // And it still serves.
    expect((await api('/api/products', { base: server.baseURL })).status).toBe(200)
  })
})

describe.skipIf(!haveFfmpeg)('WHEP admission', () => {
  it('holds an address to its places, a burst included; another address, a real viewer and the host still get in; sessions that never connect are closed in 20 s', { timeout: 90_000 }, async () => {
    const id = await liveShow('Admission')
    const { streamKey } = (await api(`/api/livestreams/${id}/stream-key`, { base: server.baseURL, method: 'POST', token: admin })).body
    const exchange = (path: string, token?: string) => async (offer: string) => {
      const answer = await rawRequest({ url: `${server.baseURL}${path}`, method: 'POST', headers: { 'content-type': 'application/sdp', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: offer, from: '127.0.0.9' })
      if (answer.status !== 201) throw new Error(`${answer.status} ${answer.text}`)
      return answer.text
    }
    const publisher = await publishWithWerift(media, exchange(`/api/livestreams/${id}/whip`, streamKey))
    closers.push(() => publisher.close())
    await wait(1000)

    // 524255a: 510 parallel POSTs from one address all got 201, against a cap of 500.
    const offer = await strayOffer()
    const burst = await Promise.all(Array.from({ length: 12 }, () => whep(id, offer)))
    const admitted = burst.filter(answer => answer.status === 201)
    expect(admitted).toHaveLength(PER_ADDRESS)
    for (const answer of admitted) expect(answer.text).toMatch(/\r\na=candidate:/)
    for (const answer of burst.filter(answer => answer.status !== 201)) {
      expect(answer.status).toBe(429)
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0)
      expect(JSON.parse(answer.text).message).toMatch(/this address already watches/)
    }

    // Another address gets in; so does the host of another show.
    const second = await whep(id, offer, '127.0.0.2')
    expect(second.status).toBe(201)
    const other = await liveShow('Another show')
    const otherHost = await rawRequest({ url: `${server.baseURL}/api/livestreams/${other}/whip`, method: 'POST', headers: { 'content-type': 'application/sdp', 'authorization': `Bearer ${admin}` }, body: await strayOffer('sendonly') })
    expect(otherHost.status).toBe(201)
    expect(otherHost.text).toMatch(/\r\na=candidate:/)

    // Used up, the port range answers 503 with Retry-After, never an answer without a candidate, and says so in the log.
    const answers: RawAnswer[] = []
    for (let address = 3; address < 20 && !answers.some(answer => answer.status === 503); address++) {
      for (let n = 0; n < PER_ADDRESS; n++) answers.push(await whep(id, offer, `127.0.0.${address}`))
    }
    const full = answers.find(answer => answer.status === 503)
    expect(full, 'the port range never ran out').toBeDefined()
    expect(full!.headers['retry-after']).toBe('5')
    expect(JSON.parse(full!.text).message).toMatch(/no free port/)
    for (const answer of answers.filter(answer => answer.status === 201)) expect(answer.text).toMatch(/\r\na=candidate:/)
    expect(server.output()).toMatch(/no UDP port could be bound for a session \(NUXT_MEDIA_PORT_RANGE \d+-\d+ is used up\)/)

    // None of those ever connects: 20 s on, their ports and places are free, and a real viewer from
    // the first address watches the show, whose host never stopped sending.
    await wait(21_000)
    const viewer = await watchWithWerift(async (sdp) => {
      const answer = await whep(id, sdp)
      if (answer.status !== 201) throw new Error(`${answer.status} ${answer.text}`)
      return answer.text
    })
    closers.push(() => viewer.close())
    await wait(2500)
    expect(viewer.video.packets).toBeGreaterThan(40)
    const status = (await api(`/api/livestreams/${id}/media`, { base: server.baseURL })).body
    expect(status.publishing).toBe(true)
  })

  it('refuses ICE fragments that are not RFC 8840 with a 400 and one line in the log, never a 500 and a stack', { timeout: 30_000 }, async () => {
    const id = await liveShow('Fragments')
    const { streamKey } = (await api(`/api/livestreams/${id}/stream-key`, { base: server.baseURL, method: 'POST', token: admin })).body
    const publisher = await publishWithWerift(media, async (offer) => {
      const answer = await rawRequest({ url: `${server.baseURL}/api/livestreams/${id}/whip`, method: 'POST', headers: { 'content-type': 'application/sdp', 'authorization': `Bearer ${streamKey}` }, body: offer, from: '127.0.0.10' })
      return answer.text
    })
    closers.push(() => publisher.close())
    await wait(800)
    const session = await whep(id, await strayOffer(), '127.0.0.11')
    expect(session.status).toBe(201)
    const location = `${server.baseURL}${session.headers.location}`
    const logBefore = server.output().length
    // 524255a: `$\`` expanded in a replacement string; 500 and 18 lines of stack each time.
    const bad = ['a=ice-ufrag:$`y\r\na=ice-pwd:abcdefghijklmnopqrstuvwxyz\r\n', 'a=ice-ufrag:ab\r\na=ice-pwd:short\r\n', 'a=candidate:1 1 udp 1 $\' 9 typ host\r\n']
    const answers = await Promise.all(Array.from({ length: 60 }, (_, n) => rawRequest({ url: location, method: 'PATCH', headers: { 'content-type': 'application/trickle-ice-sdpfrag' }, body: bad[n % bad.length], from: '127.0.0.11' })))
    for (const answer of answers) {
      expect(answer.status).toBe(400)
      expect(JSON.parse(answer.text).message).toMatch(/RFC 8840/)
    }
    const logged = server.output().slice(logBefore)
    expect(logged).not.toMatch(/\n\s+at /)
    expect(logged).not.toContain('"stack"')
    // One line per refused request at most (its access line); other work may log meanwhile.
    const lines = logged.split('\n').filter(Boolean)
    expect(lines.filter(line => line.includes('PATCH')).length, lines.join('\n')).toBeLessThanOrEqual(60)
    // A well-formed candidate is still taken.
    const good = await rawRequest({ url: location, method: 'PATCH', headers: { 'content-type': 'application/trickle-ice-sdpfrag' }, body: 'a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n', from: '127.0.0.11' })
    expect(good.status).toBe(204)
  })
})

describe('what the media endpoints say', () => {
  it('names what is wrong with an offer, in the offer\'s terms, never the library\'s', async () => {
    const id = await liveShow('Offers')
    const send = (body: string) => rawRequest({ url: `${server.baseURL}/api/livestreams/${id}/whip`, method: 'POST', headers: { 'content-type': 'application/sdp', 'authorization': `Bearer ${admin}` }, body })
    // 524255a: "the SDP offer could not be used: Cannot read properties of undefined (reading 'iceParams')".
    const noIce = await send('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n')
    expect(noIce.status).toBe(400)
    expect(JSON.parse(noIce.text).message).toBe('the SDP offer has no ICE credentials (a=ice-ufrag and a=ice-pwd)')
    const noDtls = await send('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=rtpmap:96 VP8/90000\r\n')
    expect(JSON.parse(noDtls.text).message).toBe('the SDP offer has no DTLS fingerprint (a=fingerprint)')
    const odd = await send('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 00\r\na=setup:bogus\r\na=rtpmap:96 VP8/90000\r\n')
    expect(odd.status).toBe(400)
    for (const answer of [noIce, noDtls, odd]) expect(answer.text).not.toMatch(/undefined|Cannot read|TypeError/)
  })

  it('builds its URLs from NUXT_PUBLIC_SITE_URL, whatever Host a request names, and lets no cache keep the media answer', async () => {
    const id = await liveShow('Hosts')
    // 524255a answered whepUrl "http://evil.example/..." with no Cache-Control.
    const answer = await rawRequest({ url: `${server.baseURL}/api/livestreams/${id}/media`, headers: { host: 'evil.example' } })
    expect(answer.status).toBe(200)
    const body = JSON.parse(answer.text)
    expect(body.whepUrl).toBe(`${server.env.NUXT_PUBLIC_SITE_URL}/api/livestreams/${id}/whep`)
    expect(body.whipUrl).toBe(`${server.env.NUXT_PUBLIC_SITE_URL}/api/livestreams/${id}/whip`)
    expect(answer.headers['cache-control']).toBe('no-store')
    const key = await rawRequest({ url: `${server.baseURL}/api/livestreams/${id}/stream-key`, method: 'POST', headers: { host: 'evil.example', authorization: `Bearer ${admin}` } })
    expect(JSON.parse(key.text).whipUrl).toBe(`${server.env.NUXT_PUBLIC_SITE_URL}/api/livestreams/${id}/whip`)
  })
})
