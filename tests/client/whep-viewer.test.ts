import { describe, expect, it, vi } from 'vitest'
import { createWhepViewer, type WhepViewerOptions } from '~/composables/video/whep-viewer'
import { FakePeerConnection, fakeSignalingServer, fakeSocket, fakeStream, viewerOf, withFakeWebRtc } from './fakes'

const URL_PATH = '/api/livestreams/s1/whep'

function setUp(answer?: Parameters<typeof fakeSignalingServer>[0]) {
  const server = fakeSignalingServer(answer)
  const socket = fakeSocket()
  const viewer = whepViewer({ socket, url: URL_PATH })
  return { server, socket, viewer }
}

const whepViewer = (options: Omit<WhepViewerOptions, 'picture' | 'iceServers'>) => viewerOf(picture => createWhepViewer({ iceServers: [], picture, ...options }))

/** Lets the offer, the POST and the answer run. */
const settle = () => vi.advanceTimersByTimeAsync(0)

/** A viewer of a show with an HLS stand-in, started, its offer answered: it, and its connection. */
async function answeredWithHls() {
  fakeSignalingServer()
  const viewer = whepViewer({ socket: fakeSocket(), url: URL_PATH, hlsUrl: '/live/s1/hls/index.m3u8' })
  viewer.start()
  await settle()
  return { viewer, peer: FakePeerConnection.all.at(-1)! }
}

withFakeWebRtc({ fakeTimers: true })

describe('the WHEP viewer', () => {
  it('offers to the WHEP endpoint, plays the answer, and trickles later candidates to the session', async () => {
    const { server, socket, viewer } = setUp()
    socket.receive({ type: 'stream_started', livestreamId: 's1', streamData: null })
    await settle()
    const [post] = server.of('POST')
    expect(post).toMatchObject({ url: URL_PATH, contentType: 'application/sdp', body: 'v=0 offer 1' })
    const peer = FakePeerConnection.all[0]!
    expect(peer.transceivers).toEqual([{ kind: 'video', direction: 'recvonly' }, { kind: 'audio', direction: 'recvonly' }])
    expect(peer.remoteDescription).toEqual({ type: 'answer', sdp: 'v=0 answer' })

    peer.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: 'candidate:1 1 udp 1 192.0.2.1 5000 typ host', sdpMid: '0' }) } })
    peer.onicecandidate?.({ candidate: null })
    await settle()
    const patches = server.of('PATCH')
    // The Location is resolved against the page, as the browser would.
    expect(patches[0]).toMatchObject({ url: 'http://localhost:3000/session/0', contentType: 'application/trickle-ice-sdpfrag' })
    expect(patches[0]!.body).toContain('a=mid:0\r\na=candidate:1 1 udp 1 192.0.2.1 5000 typ host\r\n')
    expect(patches.at(-1)!.body).toContain('a=end-of-candidates')

    const media = fakeStream()
    peer.ontrack?.({ streams: [media], track: media.getTracks()[0]! })
    peer.become('connected')
    expect(viewer.state).toBe('playing')
    expect(viewer.stream).toBe(media)
  })

  it('keeps the connection and the last frame while the host is away, and says so', async () => {
    const { server, socket, viewer } = setUp()
    viewer.start()
    await settle()
    FakePeerConnection.all[0]!.become('connected')
    socket.receive({ type: 'media_state', livestreamId: 's1', publishing: false })
    expect(viewer.state).toBe('reconnecting')
    socket.receive({ type: 'media_state', livestreamId: 's1', publishing: true })
    expect(viewer.state).toBe('playing')
    // The host's media reaches this connection again, and keeps coming.
    const flowing = keepFlowing(FakePeerConnection.all[0]!)
    await vi.advanceTimersByTimeAsync(30_000)
    clearInterval(flowing)
    expect(server.of('POST')).toHaveLength(1)
    expect(FakePeerConnection.all[0]!.closed).toBe(false)
  })

  it('waits while nothing is published, and asks at once when media starts flowing', async () => {
    let published = false
    const { server, socket, viewer } = setUp((_, index) => published
      ? new Response('v=0 answer', { status: 201, headers: { location: `/session/${index}` } })
      : Response.json({ message: 'nothing is published' }, { status: 404 }))
    viewer.start()
    await settle()
    expect(viewer.state).toBe('waiting')
    expect(FakePeerConnection.all[0]!.closed).toBe(true)
    published = true
    socket.receive({ type: 'media_state', livestreamId: 's1', publishing: true })
    await settle()
    expect(server.of('POST')).toHaveLength(2)
    FakePeerConnection.all[1]!.become('connected')
    expect(viewer.state).toBe('playing')
  })

  it('says a full show is full and asks again after its Retry-After', async () => {
    let full = true
    const { server, viewer } = setUp((_, index) => full
      ? Response.json({ message: 'at capacity' }, { status: 503, headers: { 'retry-after': '7' } })
      : new Response('v=0 answer', { status: 201, headers: { location: `/session/${index}` } }))
    viewer.start()
    await settle()
    expect(viewer.state).toBe('full')
    full = false
    await vi.advanceTimersByTimeAsync(6900)
    expect(server.of('POST')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(200)
    expect(server.of('POST')).toHaveLength(2)
  })

  it('replaces a failed connection with a new session, ending the old one', async () => {
    const { server, viewer } = setUp()
    viewer.start()
    await settle()
    const first = FakePeerConnection.all[0]!
    first.become('connected')
    first.become('failed')
    expect(first.closed).toBe(true)
    expect(viewer.state).toBe('connecting')
    expect(server.of('DELETE').map(request => request.url)).toEqual(['http://localhost:3000/session/0'])
    await vi.advanceTimersByTimeAsync(1000)
    expect(server.of('POST')).toHaveLength(2)
  })

  it('ends with the show without asking the server to end a session it closed itself', async () => {
    const { server, socket, viewer } = setUp()
    viewer.start()
    await settle()
    socket.receive({ type: 'stream_stopped', livestreamId: 's1' })
    expect(viewer.state).toBe('off')
    expect(FakePeerConnection.all[0]!.closed).toBe(true)
    expect(server.of('DELETE')).toEqual([])
  })

  it('ends its session when the customer leaves', async () => {
    const { server, viewer } = setUp()
    viewer.start()
    await settle()
    viewer.close()
    expect(server.of('DELETE')).toHaveLength(1)
  })

  it('makes a new session soon when the server says media flows and none reaches it (the server restarted)', async () => {
    const { server, socket, viewer } = setUp()
    viewer.start()
    await settle()
    const first = FakePeerConnection.all[0]!
    first.become('connected')
    first.bytesReceived = 10_000
    // Still 'connected' as far as ICE knows, but nothing arrives any more.
    socket.receive({ type: 'media_state', livestreamId: 's1', publishing: true })
    await vi.advanceTimersByTimeAsync(2000)
    expect(server.of('POST')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(600)
    expect(first.closed).toBe(true)
    expect(server.of('POST')).toHaveLength(2)
  })

  it('does not second-guess a connection still being made when it hears media flows', async () => {
    const { server, socket, viewer } = setUp()
    viewer.start()
    await settle()
    socket.receive({ type: 'media_state', livestreamId: 's1', publishing: true })
    FakePeerConnection.all[0]!.become('connected')
    const flowing = keepFlowing(FakePeerConnection.all[0]!)
    await vi.advanceTimersByTimeAsync(10_000)
    clearInterval(flowing)
    expect(server.of('POST')).toHaveLength(1)
    expect(viewer.state).toBe('playing')
  })

  it('opens a new session at once when a playing connection stops receiving and the server no longer has its session (a Janus edge died)', async () => {
    let gone = false
    const server = fakeSignalingServer(undefined, () => gone ? Response.json({ message: 'no such session' }, { status: 404 }) : new Response(null, { status: 204 }))
    const viewer = whepViewer({ socket: fakeSocket(), url: URL_PATH })
    viewer.start()
    await settle()
    const peer = FakePeerConnection.all[0]!
    peer.become('connected')
    const flowing = keepFlowing(peer)
    await vi.advanceTimersByTimeAsync(5000)
    clearInterval(flowing)
    // Nothing more arrives, but the server still has the session (a host who stopped, before the room says so): the page waits.
    await vi.advanceTimersByTimeAsync(4000)
    expect(server.of('POST')).toHaveLength(1)
    expect(server.of('PATCH').length).toBeGreaterThanOrEqual(1)
    // The session went with its media server: a new one at the next question.
    gone = true
    await vi.advanceTimersByTimeAsync(2100)
    expect(server.of('POST')).toHaveLength(2)
    expect(peer.closed).toBe(true)
  })

  it('plays the HLS stand-in while the show is full, and leaves it when WebRTC comes up', async () => {
    let full = true
    const server = fakeSignalingServer((_, index) => full
      ? Response.json({ message: 'the show is full' }, { status: 503, headers: { 'retry-after': '5' } })
      : new Response('v=0 answer', { status: 201, headers: { location: `/session/${index}` } }))
    const viewer = whepViewer({ socket: fakeSocket(), url: URL_PATH, hlsUrl: '/live/s1/hls/index.m3u8' })
    viewer.start()
    await settle()
    expect(viewer.state).toBe('full')
    expect(viewer.hlsUrl).toMatch(/^\/live\/s1\/hls\/index\.m3u8\?v=[\w-]+$/)
    full = false
    await vi.advanceTimersByTimeAsync(5000)
    expect(server.of('POST')).toHaveLength(2)
    FakePeerConnection.all.at(-1)!.become('connected')
    expect(viewer.state).toBe('playing')
    expect(viewer.hlsUrl).toBeNull()
  })

  it('plays HLS when WebRTC has not connected within 2.5 seconds, and never without an HLS stream', async () => {
    for (const hlsUrl of ['/live/s1/hls/index.m3u8', undefined]) {
      fakeSignalingServer()
      const viewer = whepViewer({ socket: fakeSocket(), url: URL_PATH, hlsUrl })
      viewer.start()
      await vi.advanceTimersByTimeAsync(2400)
      expect(viewer.hlsUrl).toBeNull()
      await vi.advanceTimersByTimeAsync(200)
      expect(viewer.state).toBe('connecting')
      expect(viewer.hlsUrl === null).toBe(!hlsUrl)
      viewer.close()
    }
  })

  it('plays HLS as soon as its connectivity checks go unanswered for a second, and keeps trying WebRTC', async () => {
    const { viewer, peer } = await answeredWithHls()
    peer.ice.checksSent = 4
    await vi.advanceTimersByTimeAsync(1000)
    expect(viewer.hlsUrl).toBeNull()
    peer.ice.checksSent = 20
    await vi.advanceTimersByTimeAsync(300)
    expect(viewer.hlsUrl).toMatch(/^\/live\/s1\/hls\/index\.m3u8\?v=/)
    expect(viewer.state).toBe('connecting')
    expect(peer.closed).toBe(false)
    // The connection comes up after all (the network let it through): back on WebRTC.
    peer.become('connected')
    expect(viewer.hlsUrl).toBeNull()
    viewer.close()
  })

  it('judges nothing while ICE still gathers, and gives a candidate pair that comes late (a TURN server\'s) a second of its own', async () => {
    const { viewer, peer } = await answeredWithHls()
    peer.iceGatheringState = 'gathering'
    peer.ice.checksSent = 10
    await vi.advanceTimersByTimeAsync(1500)
    expect(viewer.hlsUrl).toBeNull()
    peer.iceGatheringState = 'complete'
    peer.ice.pairs = 2
    await vi.advanceTimersByTimeAsync(900)
    expect(viewer.hlsUrl).toBeNull()
    await vi.advanceTimersByTimeAsync(400)
    expect(viewer.hlsUrl).not.toBeNull()
    viewer.close()
  })

  it('plays HLS at once when ICE found no candidate of its own, and never while checks are answered', async () => {
    for (const ice of [{ ownCandidates: 0, pairs: 0, checksSent: 0, checksAnswered: 0 }, { ownCandidates: 1, pairs: 1, checksSent: 30, checksAnswered: 1 }]) {
      const { viewer, peer } = await answeredWithHls()
      peer.ice = ice
      await vi.advanceTimersByTimeAsync(2000)
      expect(viewer.hlsUrl === null).toBe(ice.checksAnswered > 0)
      viewer.close()
    }
  })
})

/** Media arriving on `peer`, as a real connection receives it: more bytes every 100 ms. */
function keepFlowing(peer: FakePeerConnection) {
  return setInterval(() => (peer.bytesReceived += 5000), 100)
}
