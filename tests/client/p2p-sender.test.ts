import { describe, expect, it, vi } from 'vitest'
import { createP2pSender } from '~/composables/video/p2p-sender'
import { useHostVideoStore } from '~/stores/host-video'
import { FakePeerConnection, fakeSocket, fakeStream, fakeTrack, withFakeWebRtc } from './fakes'

const ICE = [{ urls: 'stun:127.0.0.1:3478' }]

function setUp() {
  const socket = fakeSocket()
  const state = useHostVideoStore()
  const sender = createP2pSender({ socket, iceServers: ICE, quality: '480p', state })
  sender.open()
  // The sender's calls, and the connections it reports to the console.
  const store = {
    ...sender,
    get connectedPeers() {
      return state.connectedPeers
    },
    get peerStates() {
      return state.peerStates
    },
  }
  const media = fakeStream()
  store.setMedia(media)
  return { socket, store, media }
}

/** A sender live on the camera `media`, keeping `spares` connections made ahead. */
function liveWithSpares(spares: number, media = fakeStream()) {
  const socket = fakeSocket()
  const sender = createP2pSender({ socket, iceServers: ICE, quality: '480p', state: useHostVideoStore(), spares })
  sender.open()
  sender.setMedia(media)
  sender.startSending()
  return { socket, sender }
}

/** The video encoding of every connection still open, in the order they were made. */
const encodings = () => FakePeerConnection.all.filter(peer => !peer.closed).map(peer => peer.senders.find(sender => sender.track.kind === 'video')!.getParameters().encodings[0])

/** Lets the store's async offer/answer steps run. */
const settle = () => new Promise(resolve => setTimeout(resolve, 0))

withFakeWebRtc()

describe('the p2p host\'s connections', () => {
  it('ignores customers until the host goes live, then tells the room it is ready', () => {
    const { socket, store } = setUp()
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    expect(FakePeerConnection.all).toHaveLength(0)
    store.startSending()
    expect(socket.sent).toEqual([{ type: 'webrtc_register', userType: 'admin' }])
  })

  it('offers each customer the camera tracks with the ICE servers and the preset bitrate cap', async () => {
    const { socket, store, media } = setUp()
    store.startSending()
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    await settle()
    const peer = FakePeerConnection.all[0]!
    expect(peer.config.iceServers).toEqual(ICE)
    expect(peer.tracks).toEqual(media.getTracks())
    expect(socket.sent.at(-1)).toEqual({ type: 'webrtc_offer', to: 'c1', offer: { type: 'offer', sdp: 'v=0 offer 1' } })
    const video = peer.senders.find(sender => sender.track.kind === 'video')!
    expect(video.getParameters().encodings[0]!.maxBitrate).toBe(1_000_000)
    peer.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host' }) } })
    expect(socket.sent.at(-1)).toMatchObject({ type: 'webrtc_ice_candidate', to: 'c1' })
  })

  it('keeps the offer it made when the same customer asks again before answering, and makes a new one after', async () => {
    vi.useFakeTimers()
    const { socket, store } = setUp()
    store.startSending()
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    // Its request crossed the offer (it asked on `broadcaster_ready` as the offer left): the
    // answer on its way belongs to this connection, which stays.
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    await vi.advanceTimersByTimeAsync(0)
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    await vi.advanceTimersByTimeAsync(0)
    expect(FakePeerConnection.all).toHaveLength(1)
    expect(socket.sent.filter(frame => frame.type === 'webrtc_offer')).toHaveLength(1)
    socket.receive({ type: 'webrtc_answer', from: 'c1', answer: { type: 'answer', sdp: 'v=0 answer' } })
    await vi.advanceTimersByTimeAsync(0)
    expect(FakePeerConnection.all[0]!.remoteDescription).toEqual({ type: 'answer', sdp: 'v=0 answer' })
    // Answered, then asked again: that customer has no working connection, and gets a fresh one.
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    await vi.advanceTimersByTimeAsync(0)
    expect(FakePeerConnection.all).toHaveLength(2)
    expect(FakePeerConnection.all[0]!.closed).toBe(true)
    // An offer never answered is given up after 10 s, and the next request is offered again.
    await vi.advanceTimersByTimeAsync(10_000)
    expect(FakePeerConnection.all[1]!.closed).toBe(true)
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    await vi.advanceTimersByTimeAsync(0)
    expect(FakePeerConnection.all).toHaveLength(3)
  })

  it('holds candidates that come before the answer, and adds them after it', async () => {
    const { socket, store } = setUp()
    store.startSending()
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    await settle()
    const peer = FakePeerConnection.all[0]!
    const candidate = { candidate: 'candidate:2 1 udp 1 127.0.0.1 5001 typ host', sdpMid: '0' }
    socket.receive({ type: 'webrtc_ice_candidate', from: 'c1', candidate })
    await settle()
    expect(peer.candidates).toEqual([])
    socket.receive({ type: 'webrtc_answer', from: 'c1', answer: { type: 'answer', sdp: 'v=0 answer' } })
    await settle()
    expect(peer.remoteDescription).toEqual({ type: 'answer', sdp: 'v=0 answer' })
    expect(peer.candidates).toEqual([candidate])
  })

  it('restarts ICE when a connection fails, and counts only connected peers', async () => {
    const { socket, store } = setUp()
    store.startSending()
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c2' })
    await settle()
    const [first, second] = FakePeerConnection.all
    first!.become('connected')
    second!.become('connected')
    expect(store.connectedPeers).toBe(2)
    first!.become('failed')
    await settle()
    expect(store.connectedPeers).toBe(1)
    expect(first!.offers.at(-1)).toEqual({ iceRestart: true })
    expect(socket.sent.at(-1)).toMatchObject({ type: 'webrtc_offer', to: 'c1' })
    expect(first!.closed).toBe(false)
  })

  it('restarts a connection left disconnected, after a grace period', async () => {
    vi.useFakeTimers()
    const { socket, store } = setUp()
    store.startSending()
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    await vi.advanceTimersByTimeAsync(0)
    const peer = FakePeerConnection.all[0]!
    peer.become('disconnected')
    await vi.advanceTimersByTimeAsync(3000)
    expect(peer.offers).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(2000)
    expect(peer.offers.at(-1)).toEqual({ iceRestart: true })
  })

  it('closes a customer\'s connection when they leave, and every one when the show stops', async () => {
    const { socket, store } = setUp()
    store.startSending()
    for (const customerId of ['c1', 'c2', 'c3']) socket.receive({ type: 'webrtc_new_customer', customerId })
    await settle()
    socket.receive({ type: 'viewer_left', customerId: 'c2' })
    expect(FakePeerConnection.all.map(peer => peer.closed)).toEqual([false, true, false])
    expect(Object.keys(store.peerStates)).toEqual(['c1', 'c3'])
    store.stopSending()
    expect(FakePeerConnection.all.every(peer => peer.closed)).toBe(true)
    expect(store.peerStates).toEqual({})
  })

  it('swaps the tracks in every connection when the camera changes', async () => {
    const { socket, store } = setUp()
    store.startSending()
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    await settle()
    const camera = fakeTrack('video')
    store.setMedia(fakeStream([fakeTrack('audio'), camera]))
    const video = FakePeerConnection.all[0]!.senders.find(sender => sender.track.kind === 'video')!
    expect(video.replaceTrack).toHaveBeenCalledWith(camera)
  })

  it('builds at most 8 connections that wait for an answer, and gives one up after 10 s without', async () => {
    vi.useFakeTimers()
    const { socket, store } = setUp()
    store.startSending()
    for (let i = 0; i < 30; i++) socket.receive({ type: 'webrtc_new_customer', customerId: `flood-${i}` })
    await vi.advanceTimersByTimeAsync(0)
    expect(FakePeerConnection.all).toHaveLength(8)
    // An answer frees its place: the next customer who asks is offered.
    socket.receive({ type: 'webrtc_answer', from: 'flood-0', answer: { type: 'answer', sdp: 'v=0 answer' } })
    await vi.advanceTimersByTimeAsync(0)
    socket.receive({ type: 'webrtc_new_customer', customerId: 'late' })
    await vi.advanceTimersByTimeAsync(0)
    expect(FakePeerConnection.all).toHaveLength(9)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(FakePeerConnection.all.filter(peer => peer.closed)).toHaveLength(8)
    expect(FakePeerConnection.all[0]!.closed).toBe(false)
    expect(Object.keys(store.peerStates)).toEqual(['flood-0'])
  })

  it('scales every customer\'s picture down as their pictures outgrow two 720p ones, and back up as they leave', async () => {
    vi.useFakeTimers()
    const { socket, store } = setUp()
    store.startSending()
    for (let i = 0; i < 6; i++) {
      socket.receive({ type: 'webrtc_new_customer', customerId: `c${i}` })
      socket.receive({ type: 'webrtc_answer', from: `c${i}`, answer: { type: 'answer', sdp: 'v=0 answer' } })
    }
    await vi.advanceTimersByTimeAsync(0)
    // Up and past their first picture.
    for (const peer of FakePeerConnection.all) peer.become('connected')
    await vi.advanceTimersByTimeAsync(2000)
    // 480p: six pictures of 854x480 are 1.33 times as many pixels as two 720p ones: the next step, 1.5.
    expect(encodings()).toEqual(Array.from({ length: 6 }, () => ({ maxBitrate: 1_000_000, scaleResolutionDownBy: 1.5 })))
    for (let i = 0; i < 4; i++) socket.receive({ type: 'viewer_left', customerId: `c${i}` })
    await vi.advanceTimersByTimeAsync(0)
    expect(encodings()).toEqual([{ maxBitrate: 1_000_000, scaleResolutionDownBy: 1 }, { maxBitrate: 1_000_000, scaleResolutionDownBy: 1 }])
  })

  it('leaves the others\' senders alone when a customer joins and their share of the budget stays', async () => {
    const { socket, store } = setUp()
    store.startSending()
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c0' })
    await settle()
    const first = FakePeerConnection.all[0]!.senders.find(sender => sender.track.kind === 'video')!
    const read = vi.spyOn(first, 'getParameters')
    // 480p: two, three and four pictures still fit two 720p ones, so step 1 holds for everyone.
    for (let i = 1; i < 4; i++) socket.receive({ type: 'webrtc_new_customer', customerId: `c${i}` })
    await settle()
    expect(FakePeerConnection.all).toHaveLength(4)
    expect(read).not.toHaveBeenCalled()
    // The fifth shrinks every share: now each is read and set.
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c4' })
    await settle()
    expect(read).toHaveBeenCalled()
    expect(encodings()[0]).toEqual({ maxBitrate: 1_000_000, scaleResolutionDownBy: 1.5 })
  })

  it('sends a new customer a small first picture, and its full size two seconds after it is up', async () => {
    vi.useFakeTimers()
    const socket = fakeSocket()
    const sender = createP2pSender({ socket, iceServers: ICE, quality: '720p', state: useHostVideoStore() })
    sender.open()
    sender.setMedia(fakeStream())
    sender.startSending()
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    socket.receive({ type: 'webrtc_answer', from: 'c1', answer: { type: 'answer', sdp: 'v=0 answer' } })
    await vi.advanceTimersByTimeAsync(0)
    const peer = FakePeerConnection.all[0]!
    // 720p: 640x360 first, a key frame a quarter the size.
    expect(encodings()).toEqual([{ maxBitrate: 2_500_000, scaleResolutionDownBy: 2 }])
    // Not before it is up: the time is counted from "connected".
    await vi.advanceTimersByTimeAsync(5000)
    expect(encodings()).toEqual([{ maxBitrate: 2_500_000, scaleResolutionDownBy: 2 }])
    peer.become('connected')
    await vi.advanceTimersByTimeAsync(1999)
    expect(encodings()).toEqual([{ maxBitrate: 2_500_000, scaleResolutionDownBy: 2 }])
    await vi.advanceTimersByTimeAsync(1)
    expect(encodings()).toEqual([{ maxBitrate: 2_500_000, scaleResolutionDownBy: 1 }])
    // A reconnection later does not shrink it again.
    peer.become('disconnected')
    peer.become('connected')
    await vi.advanceTimersByTimeAsync(2000)
    expect(encodings()).toEqual([{ maxBitrate: 2_500_000, scaleResolutionDownBy: 1 }])
  })

  it('makes the next connection ahead once the customer who took the last one is up and past its first picture', async () => {
    vi.useFakeTimers()
    const { socket } = liveWithSpares(1)
    await vi.advanceTimersByTimeAsync(0)
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    socket.receive({ type: 'webrtc_answer', from: 'c1', answer: { type: 'answer', sdp: 'v=0 answer' } })
    await vi.advanceTimersByTimeAsync(0)
    expect(FakePeerConnection.all).toHaveLength(1)
    // Not while that customer is still coming in.
    await vi.advanceTimersByTimeAsync(5000)
    expect(FakePeerConnection.all).toHaveLength(1)
    FakePeerConnection.all[0]!.become('connected')
    await vi.advanceTimersByTimeAsync(2000)
    expect(FakePeerConnection.all).toHaveLength(2)
    expect(FakePeerConnection.all[1]!.offers).toHaveLength(1)
    // The next customer gets it: no connection made on request.
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c2' })
    await vi.advanceTimersByTimeAsync(0)
    expect(FakePeerConnection.all).toHaveLength(2)
    expect(socket.sent.at(-1)).toMatchObject({ type: 'webrtc_offer', to: 'c2' })
  })

  it('keeps several connections made ahead, so customers arriving at once each find one, and makes one more as each is up', async () => {
    vi.useFakeTimers()
    const { socket, sender } = liveWithSpares(3)
    await vi.advanceTimersByTimeAsync(0)
    const ahead = [...FakePeerConnection.all]
    expect(ahead).toHaveLength(3)
    expect(ahead.map(peer => peer.offers.length)).toEqual([1, 1, 1])
    for (const customerId of ['c1', 'c2', 'c3']) socket.receive({ type: 'webrtc_new_customer', customerId })
    await vi.advanceTimersByTimeAsync(0)
    // None made on request: each customer was offered one made ahead, the oldest first.
    expect(FakePeerConnection.all).toHaveLength(3)
    const offers = socket.sent.filter(frame => frame.type === 'webrtc_offer')
    expect(offers.map(frame => (frame as { to: string }).to)).toEqual(['c1', 'c2', 'c3'])
    // A fourth, with none left, gets one made on request.
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c4' })
    await vi.advanceTimersByTimeAsync(0)
    expect(FakePeerConnection.all).toHaveLength(4)
    // One more made ahead for each customer up and past its first picture, never more than three.
    ahead[0]!.become('connected')
    await vi.advanceTimersByTimeAsync(2000)
    expect(FakePeerConnection.all).toHaveLength(5)
    for (const peer of [ahead[1]!, ahead[2]!, FakePeerConnection.all[3]!]) peer.become('connected')
    await vi.advanceTimersByTimeAsync(2000)
    expect(FakePeerConnection.all).toHaveLength(7)
    expect(FakePeerConnection.all.slice(4).every(peer => peer.offers.length === 1 && !peer.closed)).toBe(true)
    sender.stopSending()
    expect(FakePeerConnection.all.every(peer => peer.closed)).toBe(true)
  })

  it('keeps a connection made ahead, hands it to the next customer with its offer as it is now, and makes the next when one closes', async () => {
    const media = fakeStream()
    const { socket, sender } = liveWithSpares(1, media)
    await settle()
    const spare = FakePeerConnection.all[0]!
    expect(spare.tracks).toEqual(media.getTracks())
    expect(spare.offers).toHaveLength(1)
    // Gathered while it is no one's: in the offer it goes out with, not sent on its own.
    spare.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: 'candidate:ahead' }) } })
    spare.localDescription = { type: 'offer', sdp: 'v=0 offer 1\r\na=candidate:ahead' }
    expect(socket.sent).toEqual([{ type: 'webrtc_register', userType: 'admin' }])

    socket.receive({ type: 'webrtc_new_customer', customerId: 'c1' })
    await settle()
    expect(FakePeerConnection.all).toHaveLength(1)
    expect(socket.sent.at(-1)).toEqual({ type: 'webrtc_offer', to: 'c1', offer: { type: 'offer', sdp: 'v=0 offer 1\r\na=candidate:ahead' } })
    expect(spare.senders.find(sender => sender.track.kind === 'video')!.getParameters().encodings[0]!.maxBitrate).toBe(1_000_000)
    spare.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: 'candidate:later' }) } })
    expect(socket.sent.at(-1)).toEqual({ type: 'webrtc_ice_candidate', to: 'c1', candidate: { candidate: 'candidate:later' } })
    socket.receive({ type: 'webrtc_answer', from: 'c1', answer: { type: 'answer', sdp: 'v=0 answer' } })
    await settle()
    expect(spare.remoteDescription).toEqual({ type: 'answer', sdp: 'v=0 answer' })

    // None is left: the next customer's connection is made on request.
    socket.receive({ type: 'webrtc_new_customer', customerId: 'c2' })
    await settle()
    expect(FakePeerConnection.all).toHaveLength(2)
    expect(socket.sent.at(-1)).toEqual({ type: 'webrtc_offer', to: 'c2', offer: { type: 'offer', sdp: 'v=0 offer 1' } })
    // A customer leaves: the next spare is made then.
    socket.receive({ type: 'viewer_left', customerId: 'c1' })
    await settle()
    expect(FakePeerConnection.all).toHaveLength(3)
    const next = FakePeerConnection.all[2]!
    expect(next.offers).toHaveLength(1)
    // A new camera reaches it too; stopping closes it with the rest.
    const camera = fakeStream([fakeTrack('audio'), fakeTrack('video')])
    sender.setMedia(camera)
    expect(next.senders.map(sender => sender.track)).toEqual(camera.getTracks())
    sender.stopSending()
    expect(FakePeerConnection.all.every(peer => peer.closed)).toBe(true)
  })
})
