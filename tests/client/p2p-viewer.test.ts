import { describe, expect, it, vi } from 'vitest'
import { createP2pViewer } from '~/composables/video/p2p-viewer'
import type { EarlyP2p } from '~/utils/early-p2p'
import { FakePeerConnection, fakeSocket, fakeStream, viewerOf, withFakeWebRtc } from './fakes'

const OFFER = { type: 'offer' as const, sdp: 'v=0 offer' }

function setUp() {
  const socket = fakeSocket()
  const viewer = viewerOf(picture => createP2pViewer({ socket, iceServers: [], picture }))
  return { socket, viewer }
}

withFakeWebRtc({ fakeTimers: true })

describe('the p2p viewer', () => {
  it('asks for video when the show is live, answers the studio, and plays its stream', async () => {
    const { socket, viewer } = setUp()
    viewer.start()
    expect(socket.sent).toEqual([{ type: 'webrtc_register', userType: 'customer' }, { type: 'webrtc_new_customer' }])
    socket.receive({ type: 'webrtc_ice_candidate', from: 'studio-1', candidate: { candidate: 'candidate:early' } })
    socket.receive({ type: 'webrtc_offer', from: 'studio-1', offer: OFFER })
    await vi.advanceTimersByTimeAsync(0)
    const peer = FakePeerConnection.all[0]!
    expect(peer.remoteDescription).toEqual(OFFER)
    expect(peer.candidates).toEqual([{ candidate: 'candidate:early' }])
    expect(socket.sent.at(-1)).toEqual({ type: 'webrtc_answer', to: 'studio-1', answer: { type: 'answer', sdp: 'v=0 answer 1' } })
    const media = fakeStream()
    peer.ontrack?.({ streams: [media], track: media.getTracks()[0]! })
    peer.become('connected')
    expect(viewer.stream).toBe(media)
    expect(viewer.state).toBe('playing')
  })

  it('says the host is not there yet, and asks again when the studio is ready', () => {
    const { socket, viewer } = setUp()
    viewer.start()
    socket.receive({ type: 'error', code: 'NOT_FOUND', message: 'the host is not connected yet', ref: 'webrtc_new_customer' })
    expect(viewer.state).toBe('waiting')
    socket.sent.length = 0
    socket.receive({ type: 'broadcaster_ready', livestreamId: 's1', from: 'studio-1' })
    expect(socket.sent.at(-1)).toEqual({ type: 'webrtc_new_customer' })
  })

  it('does not ask again when the studio it is connecting to says it is ready, but does when another studio does', async () => {
    const { socket, viewer } = setUp()
    viewer.start()
    socket.receive({ type: 'webrtc_offer', from: 'studio-1', offer: OFFER })
    await vi.advanceTimersByTimeAsync(0)
    // The studio registers as it goes live, after this page asked and answered: asking again
    // would have it drop the connection it just made.
    socket.sent.length = 0
    socket.receive({ type: 'broadcaster_ready', livestreamId: 's1', from: 'studio-1' })
    expect(socket.sent).toEqual([])
    expect(FakePeerConnection.all[0]!.closed).toBe(false)
    // The host's new tab: that connection's studio is gone.
    socket.receive({ type: 'broadcaster_ready', livestreamId: 's1', from: 'studio-2' })
    expect(socket.sent.at(-1)).toEqual({ type: 'webrtc_new_customer' })
  })

  it('asks again, with backoff, when the connection fails or no offer comes', async () => {
    const { socket, viewer } = setUp()
    viewer.start()
    await vi.advanceTimersByTimeAsync(8000)
    expect(socket.sent.filter(frame => frame.type === 'webrtc_new_customer')).toHaveLength(2)
    expect(viewer.state).toBe('waiting')
    socket.receive({ type: 'webrtc_offer', from: 'studio-1', offer: OFFER })
    await vi.advanceTimersByTimeAsync(0)
    const peer = FakePeerConnection.all[0]!
    peer.become('connected')
    socket.sent.length = 0
    peer.become('failed')
    expect(peer.closed).toBe(true)
    expect(viewer.state).toBe('connecting')
    await vi.advanceTimersByTimeAsync(1000)
    expect(socket.sent.at(-1)).toEqual({ type: 'webrtc_new_customer' })
  })

  it('answers an ICE restart from the same studio on the same connection', async () => {
    const { socket, viewer } = setUp()
    viewer.start()
    socket.receive({ type: 'webrtc_offer', from: 'studio-1', offer: OFFER })
    await vi.advanceTimersByTimeAsync(0)
    FakePeerConnection.all[0]!.become('disconnected')
    socket.receive({ type: 'webrtc_offer', from: 'studio-1', offer: { type: 'offer', sdp: 'v=0 restart' } })
    await vi.advanceTimersByTimeAsync(0)
    expect(FakePeerConnection.all).toHaveLength(1)
    expect(FakePeerConnection.all[0]!.answers).toBe(2)
  })

  it('lets go of the video when the show stops', async () => {
    const { socket, viewer } = setUp()
    viewer.start()
    socket.receive({ type: 'webrtc_offer', from: 'studio-1', offer: OFFER })
    await vi.advanceTimersByTimeAsync(0)
    socket.receive({ type: 'stream_stopped', livestreamId: 's1' })
    expect(FakePeerConnection.all[0]!.closed).toBe(true)
    expect(viewer.state).toBe('off')
    expect(viewer.stream).toBeNull()
  })
})

describe('the p2p viewer taking over the page\'s early connection', () => {
  /** What utils/early-p2p.ts leaves once it asked the studio, with its answering connection if an offer came. */
  function early(pc?: FakePeerConnection): EarlyP2p {
    return { livestreamId: 's1', socket: {} as WebSocket, sessionId: 'session-1', heard: [], asked: true, pc: pc as unknown as RTCPeerConnection, studioId: pc && 'studio-1', pictured: Promise.resolve(), signaled: Promise.resolve(), startedAt: 0 }
  }

  it('plays the connection the page made without asking the studio again, and carries its candidates', async () => {
    const pc = new FakePeerConnection({})
    pc.remoteDescription = OFFER
    const socket = fakeSocket()
    const viewer = viewerOf(picture => createP2pViewer({ socket, iceServers: [], picture }), early(pc))
    viewer.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(socket.sent).toEqual([])
    pc.become('connected')
    expect(viewer.state).toBe('playing')
    socket.receive({ type: 'webrtc_ice_candidate', from: 'studio-1', candidate: { candidate: 'candidate:late' } })
    await vi.advanceTimersByTimeAsync(0)
    expect(pc.candidates).toEqual([{ candidate: 'candidate:late' }])
    pc.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: 'candidate:mine' }) } })
    expect(socket.sent).toEqual([{ type: 'webrtc_ice_candidate', to: 'studio-1', candidate: { candidate: 'candidate:mine' } }])
    // No request went out for the whole while, and none does later.
    await vi.advanceTimersByTimeAsync(20_000)
    expect(socket.sent.filter(frame => frame.type === 'webrtc_new_customer')).toEqual([])
    expect(FakePeerConnection.all).toHaveLength(1)
  })

  it('awaits the offer the page asked for, then asks again only if none comes', async () => {
    const socket = fakeSocket()
    const viewer = viewerOf(picture => createP2pViewer({ socket, iceServers: [], picture }), early())
    viewer.start()
    expect(socket.sent).toEqual([])
    expect(viewer.state).toBe('connecting')
    await vi.advanceTimersByTimeAsync(8000)
    expect(socket.sent).toEqual([{ type: 'webrtc_register', userType: 'customer' }, { type: 'webrtc_new_customer' }])
  })

  it('answers the offer that comes for the page\'s request, as its own', async () => {
    const socket = fakeSocket()
    viewerOf(picture => createP2pViewer({ socket, iceServers: [], picture }), early()).start()
    socket.receive({ type: 'webrtc_offer', from: 'studio-1', offer: OFFER })
    await vi.advanceTimersByTimeAsync(8000)
    expect(socket.sent).toEqual([{ type: 'webrtc_answer', to: 'studio-1', answer: { type: 'answer', sdp: 'v=0 answer 1' } }])
  })
})
