import { afterEach, describe, expect, it } from 'vitest'
import { patchLivestream, startLivestream, stopLivestream } from '../../../server/domain/livestreams'
import { BATCH_TICK_MS } from '../../../server/realtime/room-batcher'
import { COUNTER_INTERVAL_MS } from '../../../server/realtime/room-events'
import { VIEWER_COUNT_INTERVAL_MS } from '../../../server/realtime/viewer-counts'
import { admin, customer, hubHarness, sessionId, type Harness } from '../../support/hub-harness'

let harness: Harness
afterEach(async () => {
  await harness?.hub.shutdown()
})

async function show(title = 'Hub show') {
  return harness.store.createLivestream({ title, description: '', quality: '720p' })
}

async function studioOf(livestreamId: string) {
  const studio = harness.connect(admin)
  await studio.say({ type: 'register_admin', livestreamId })
  return studio
}

async function viewerOf(livestreamId: string, n = 1, user = customer(n)) {
  const viewer = harness.connect(user)
  await viewer.say({ type: 'register', livestreamId, sessionId: sessionId(n) })
  return viewer
}

describe('the room hub', () => {
  it('registers a studio and a viewer, each with the chat so far', async () => {
    harness = hubHarness()
    const stream = await show()
    const studio = await studioOf(stream.id)
    expect(studio.frames.map(frame => frame.type)).toEqual(['admin_registered', 'chat_history'])
    const viewer = await viewerOf(stream.id)
    expect(viewer.last('registered')).toMatchObject({ sessionId: sessionId(1), viewerId: viewer.id, livestream: { id: stream.id, status: 'scheduled' } })
    expect(viewer.last('chat_history')).toEqual({ type: 'chat_history', items: [] })
  })

  it('stores chat, sends it to the whole room in one tick, and refuses it when the show has ended', async () => {
    harness = hubHarness()
    const stream = await show()
    const studio = await studioOf(stream.id)
    const viewer = await viewerOf(stream.id)
    await viewer.say({ type: 'chat_message', message: '  Is it vegan?  ', clientId: 'c-1', user: { role: 'admin' } })
    expect(viewer.all('chat_message')).toHaveLength(0)
    await harness.tick(BATCH_TICK_MS)
    const line = viewer.last('chat_message')!
    expect(line).toMatchObject({ message: 'Is it vegan?', clientId: 'c-1', user: { id: customer(1).id, role: 'customer' } })
    expect(studio.last('chat_message')).toEqual(line)
    expect(await harness.store.listChat(stream.id, { limit: 5 })).toHaveLength(1)

    await startLivestream(harness.core, stream.id)
    await stopLivestream(harness.core, stream.id)
    await viewer.say({ type: 'chat_message', message: 'hello?' })
    expect(viewer.last('error')).toEqual({ type: 'error', code: 'CONFLICT', message: 'this show has ended; its chat is closed', ref: 'chat_message' })
  })

  it('answers every refusal with its code and the refused type, and keeps the socket', async () => {
    harness = hubHarness()
    const stream = await show()
    const anonymous = harness.connect()
    await anonymous.say('not json')
    expect(anonymous.last('error')).toMatchObject({ code: 'BAD_MESSAGE', message: 'not JSON' })
    await anonymous.say({ type: 'register', livestreamId: stream.id, sessionId: 'short' })
    expect(anonymous.last('error')).toMatchObject({ code: 'BAD_MESSAGE', ref: 'register' })
    await anonymous.say({ type: 'register', livestreamId: 'ffffffffffffffffffffffff', sessionId: sessionId(9) })
    expect(anonymous.last('error')).toMatchObject({ code: 'NOT_FOUND', ref: 'register' })
    await anonymous.say({ type: 'register', livestreamId: stream.id, sessionId: sessionId(9) })
    await anonymous.say({ type: 'chat_message', message: 'hi' })
    expect(anonymous.last('error')).toMatchObject({ code: 'UNAUTHORIZED', ref: 'chat_message' })
    const buyer = await viewerOf(stream.id, 2)
    await buyer.say({ type: 'register_admin', livestreamId: stream.id })
    expect(buyer.last('error')).toMatchObject({ code: 'FORBIDDEN', ref: 'register_admin' })
    await buyer.say({ type: 'stream_started', livestreamId: stream.id })
    expect(buyer.last('error')).toMatchObject({ code: 'FORBIDDEN', ref: 'stream_started' })
    await buyer.say({ type: 'webrtc_new_customer' })
    expect(buyer.last('error')).toMatchObject({ code: 'NOT_FOUND', message: 'the host is not connected yet' })
    expect(anonymous.closed).toBeUndefined()
    expect(buyer.closed).toBeUndefined()
  })

  it('limits chat per user: a burst of 5, then about one a second', async () => {
    harness = hubHarness()
    const stream = await show()
    const viewer = await viewerOf(stream.id)
    for (let i = 0; i < 6; i++) await viewer.say({ type: 'chat_message', message: `line ${i}` })
    expect(viewer.last('error')).toMatchObject({ code: 'RATE_LIMITED', message: 'slow down: try again in 1 s' })
    expect(await harness.store.listChat(stream.id, { limit: 10 })).toHaveLength(5)
    await harness.tick(1000)
    await viewer.say({ type: 'chat_message', message: 'one more' })
    expect(await harness.store.listChat(stream.id, { limit: 10 })).toHaveLength(6)
  })

  it('signals only between a room\'s studio and one of its customers, with `from` set by the server', async () => {
    harness = hubHarness()
    const [a, b] = [await show('A'), await show('B')]
    const studio = await studioOf(a.id)
    const viewer = await viewerOf(a.id, 1)
    const other = await viewerOf(a.id, 2)
    const stranger = await viewerOf(b.id, 3)
    await studio.say({ type: 'webrtc_register', userType: 'admin' })
    // `from`: which studio is ready, so a customer already connecting to it does not ask again.
    expect(viewer.last('broadcaster_ready')).toEqual({ type: 'broadcaster_ready', livestreamId: a.id, from: studio.id })
    expect(stranger.last('broadcaster_ready')).toBeUndefined()

    await viewer.say({ type: 'webrtc_new_customer' })
    expect(studio.last('webrtc_new_customer')).toEqual({ type: 'webrtc_new_customer', customerId: viewer.id })
    await studio.say({ type: 'webrtc_offer', to: viewer.id, offer: { type: 'offer', sdp: 'v=0' }, from: 'forged' })
    expect(viewer.last('webrtc_offer')).toEqual({ type: 'webrtc_offer', from: studio.id, offer: { type: 'offer', sdp: 'v=0' } })
    expect(other.last('webrtc_offer')).toBeUndefined()
    await viewer.say({ type: 'webrtc_answer', to: studio.id, answer: { type: 'answer', sdp: 'v=0' } })
    expect(studio.last('webrtc_answer')).toEqual({ type: 'webrtc_answer', from: viewer.id, answer: { type: 'answer', sdp: 'v=0' } })

    await viewer.say({ type: 'webrtc_ice_candidate', to: other.id, candidate: null })
    expect(viewer.last('error')).toMatchObject({ code: 'FORBIDDEN', ref: 'webrtc_ice_candidate' })
    await studio.say({ type: 'webrtc_offer', to: stranger.id, offer: { type: 'offer', sdp: 'v=0' } })
    expect(studio.last('error')).toMatchObject({ code: 'NOT_FOUND', ref: 'webrtc_offer' })
    expect(stranger.last('webrtc_offer')).toBeUndefined()
  })

  it('replaces a studio with a new one, and tells the old one it was replaced', async () => {
    harness = hubHarness()
    const stream = await show()
    const first = await studioOf(stream.id)
    const second = await studioOf(stream.id)
    expect(first.last('admin_replaced')).toEqual({ type: 'admin_replaced', livestreamId: stream.id })
    expect(first.room).toBeUndefined()
    expect(await harness.bus.presence.broadcaster(stream.id)).toBe(second.id)
  })

  it('keeps the stored viewer count following a steady stream of arrivals, and the peak', async () => {
    harness = hubHarness()
    const stream = await show()
    await startLivestream(harness.core, stream.id)
    const stored: number[] = []
    for (let n = 1; n <= 20; n++) {
      await viewerOf(stream.id, n)
      await harness.tick(40)
      stored.push((await harness.store.getLivestream(stream.id))!.currentViewers)
    }
    // Every 250 ms, not once arrivals pause: by the 800 ms mark the count has moved well past 1.
    expect(stored[0]).toBe(1)
    expect(stored[19]).toBeGreaterThanOrEqual(15)
    expect(new Set(stored).size).toBeGreaterThan(3)
    await harness.tick(VIEWER_COUNT_INTERVAL_MS)
    expect(await harness.store.getLivestream(stream.id)).toMatchObject({ currentViewers: 20, maxViewers: 20 })
  })

  it('coalesces a storm of counter changes into a few stream_update frames with the final count', async () => {
    harness = hubHarness()
    const stream = await show()
    await startLivestream(harness.core, stream.id)
    const viewer = await viewerOf(stream.id)
    await harness.tick(COUNTER_INTERVAL_MS)
    viewer.frames.length = 0
    const { likeLivestream } = await import('../../../server/domain/livestreams')
    for (let i = 0; i < 100; i++) {
      await likeLivestream(harness.core, stream.id, 1)
      await harness.tick(5)
    }
    await harness.tick(COUNTER_INTERVAL_MS + BATCH_TICK_MS)
    const updates = viewer.all('stream_update')
    expect(updates.length).toBeLessThanOrEqual(4)
    expect(updates.at(-1)).toMatchObject({ livestreamId: stream.id, likes: 100 })
  })

  it('tells the room when a show\'s fields, replay or thumbnail change', async () => {
    harness = hubHarness()
    const stream = await show()
    const viewer = await viewerOf(stream.id)
    await patchLivestream(harness.core, stream.id, { title: 'Renamed' })
    await harness.tick(BATCH_TICK_MS)
    expect(viewer.last('livestream_updated')).toMatchObject({ livestream: { id: stream.id, title: 'Renamed', pinnedProducts: [] } })
  })

  it('at shutdown closes sockets with 1001 and stores the last count before letting go', async () => {
    harness = hubHarness()
    const stream = await show()
    await startLivestream(harness.core, stream.id)
    const first = await viewerOf(stream.id, 1)
    await viewerOf(stream.id, 2)
    await harness.hub.shutdown()
    expect(first.closed).toEqual({ code: 1001, reason: 'server shutting down' })
    // The two left as their sockets closed: the stored count says so without waiting for a timer.
    expect((await harness.store.getLivestream(stream.id))!.currentViewers).toBe(0)
    // With the core's own waiting work written too (as the app closes), no timer is left behind.
    await harness.core.flush()
    expect(harness.clock.pending()).toBe(0)
  })
})
