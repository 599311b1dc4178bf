import { afterEach, describe, expect, it } from 'vitest'
import { adminToken, api, createProduct, createStream, guest } from '../support/api'
import { TestSocket } from '../support/socket'

const open: TestSocket[] = []
async function socket(token?: string, query?: Record<string, string>) {
  const s = await TestSocket.open({ token, query })
  open.push(s)
  return s
}
afterEach(() => {
  for (const s of open.splice(0)) s.close()
})

const session = () => `session-${Math.random().toString(36).slice(2, 12)}`

/** A studio socket registered as the broadcaster of a new stream, and one registered customer. */
async function room() {
  const stream = await createStream({ title: 'Socket show' })
  const studio = await socket(adminToken())
  studio.send({ type: 'register_admin', livestreamId: stream.id })
  await studio.next('admin_registered')
  const buyer = await guest('Camille')
  const customer = await socket(buyer.token)
  customer.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
  const registered = await customer.next('registered')
  return { stream, studio, customer, buyer, viewerId: registered.viewerId as string }
}

describe('the sequence of a show', () => {
  it('registers, starts, signals both ways, chats, counts, pins and stops', async () => {
    const stream = await createStream({ title: 'Full sequence' })
    const studio = await socket(adminToken())
    studio.send({ type: 'register_admin', livestreamId: stream.id })
    expect(await studio.next('admin_registered')).toEqual({ type: 'admin_registered', livestreamId: stream.id })
    expect((await studio.next('chat_history')).items).toEqual([])

    const buyer = await guest('Camille')
    const customer = await socket(buyer.token)
    const sessionId = session()
    customer.send({ type: 'register', livestreamId: stream.id, sessionId })
    const registered = await customer.next('registered')
    expect(registered).toMatchObject({ sessionId, viewerId: expect.any(String), livestream: { id: stream.id, title: 'Full sequence', status: 'scheduled' } })
    expect((await customer.next('chat_history')).items).toEqual([])
    const viewerId = registered.viewerId as string

    studio.send({ type: 'webrtc_register', userType: 'admin' })
    await customer.next('broadcaster_ready')
    customer.send({ type: 'webrtc_register', userType: 'customer' })
    customer.send({ type: 'webrtc_new_customer', customerId: 'ignored' })
    expect(await studio.next('webrtc_new_customer')).toEqual({ type: 'webrtc_new_customer', customerId: viewerId })

    studio.send({ type: 'stream_started', livestreamId: stream.id, streamData: { quality: '720p' } })
    expect(await customer.next('stream_started')).toEqual({ type: 'stream_started', livestreamId: stream.id, streamData: { quality: '720p' } })
    await studio.next('stream_started')
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.status).toBe('live')

    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' }
    studio.send({ type: 'webrtc_offer', to: viewerId, offer, from: 'forged' })
    const gotOffer = await customer.next('webrtc_offer')
    expect(gotOffer.offer).toEqual(offer)
    const studioId = gotOffer.from as string
    expect(studioId).not.toBe('forged')
    customer.send({ type: 'webrtc_answer', to: studioId, answer: { type: 'answer', sdp: 'v=0\r\n' } })
    expect(await studio.next('webrtc_answer')).toEqual({ type: 'webrtc_answer', from: viewerId, answer: { type: 'answer', sdp: 'v=0\r\n' } })
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 }
    studio.send({ type: 'webrtc_ice_candidate', to: viewerId, candidate })
    expect(await customer.next('webrtc_ice_candidate')).toEqual({ type: 'webrtc_ice_candidate', from: studioId, candidate })
    customer.send({ type: 'webrtc_ice_candidate', to: studioId, candidate })
    expect(await studio.next('webrtc_ice_candidate')).toEqual({ type: 'webrtc_ice_candidate', from: viewerId, candidate })

    customer.send({ type: 'chat_message', message: '  Is the serum vegan?  ', clientId: 'c-1', user: { displayName: 'The CEO', role: 'admin' } })
    const line = await studio.next('chat_message')
    expect(line).toMatchObject({ livestreamId: stream.id, message: 'Is the serum vegan?', clientId: 'c-1', user: { id: buyer.user.id, displayName: 'Camille', role: 'customer' } })
    expect(await customer.next('chat_message')).toEqual(line)
    studio.send({ type: 'chat_message', message: 'Yes, 100%!' })
    expect((await customer.next('chat_message')).user.role).toBe('admin')

    const late = await socket()
    late.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
    const history = await late.next('chat_history')
    expect(history.items.map((item: { message: string }) => item.message)).toEqual(['Is the serum vegan?', 'Yes, 100%!'])
    expect((await api(`/api/livestreams/${stream.id}/chat`)).body.items).toEqual(history.items)

    await api(`/api/livestreams/${stream.id}/like`, { token: buyer.token, body: { count: 3 } })
    const update = await customer.next('stream_update', frame => frame.likes === 3)
    expect(update).toMatchObject({ livestreamId: stream.id, likes: 3, viewCount: 2 })
    await studio.next('stream_update', frame => frame.likes === 3)

    const product = await createProduct({ name: 'Socket serum' })
    await api(`/api/livestreams/${stream.id}/pin-product`, { token: adminToken(), body: { productId: product.id, pinned: true } })
    const pins = await customer.next('pinned_products_updated')
    expect(pins).toEqual({ type: 'pinned_products_updated', livestreamId: stream.id, pinnedProducts: [expect.objectContaining({ id: product.id, name: 'Socket serum', priceCents: 1500, stock: 10 })] })

    // An order of a pinned product updates its stock on every card.
    await api('/api/orders', { token: buyer.token, body: { livestreamId: stream.id, items: [{ productId: product.id, quantity: 2 }], shipping: { name: 'C', email: 'c@example.com', address: '1 Quai Voltaire' } } })
    expect((await customer.next('pinned_products_updated')).pinnedProducts[0].stock).toBe(8)

    customer.close()
    expect(await studio.next('viewer_left')).toEqual({ type: 'viewer_left', customerId: viewerId })

    studio.send({ type: 'stream_stopped', livestreamId: stream.id })
    expect(await late.next('stream_stopped')).toEqual({ type: 'stream_stopped', livestreamId: stream.id })
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.status).toBe('ended')
  })

  it('registers a socket and asks the studio for video from the socket\'s address, before it sends anything', async () => {
    const stream = await createStream({ title: 'Opening frames' })
    const studio = await socket(adminToken())
    studio.send({ type: 'register_admin', livestreamId: stream.id })
    await studio.next('admin_registered')
    studio.send({ type: 'webrtc_register', userType: 'admin' })
    const sessionId = session()
    const customer = await socket(undefined, { register: stream.id, session: sessionId, video: 'p2p' })
    const registered = await customer.next('registered')
    expect(registered).toMatchObject({ sessionId, livestream: { id: stream.id } })
    expect(await studio.next('webrtc_new_customer')).toEqual({ type: 'webrtc_new_customer', customerId: registered.viewerId })
    // Without `video`, only registered.
    const quiet = await socket(undefined, { register: stream.id, session: session() })
    await quiet.next('registered')
    await studio.nothing('webrtc_new_customer')
  })

  it('answers a bad registration in the socket\'s address with error frames, as it would the frames, and keeps the socket', async () => {
    const customer = await socket(undefined, { register: 'no-such-show', session: session(), video: 'p2p' })
    expect(await customer.next('error')).toMatchObject({ code: expect.any(String) })
    expect(await customer.next('error')).toMatchObject({ code: expect.any(String) })
    expect(customer.closed).toBeUndefined()
    // It can still register by a frame.
    const stream = await createStream({ title: 'After a bad address' })
    customer.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
    await customer.next('registered')
  })

  it('REST start and stop reach the room as stream_started and stream_stopped', async () => {
    const { stream, customer } = await room()
    await api(`/api/livestreams/${stream.id}/start`, { method: 'POST', token: adminToken() })
    expect(await customer.next('stream_started')).toEqual({ type: 'stream_started', livestreamId: stream.id, streamData: null })
    await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', token: adminToken() })
    await customer.next('stream_stopped')
  })

  it('a new studio socket replaces the old one as broadcaster', async () => {
    const { stream, customer, studio: first } = await room()
    const second = await socket(adminToken())
    second.send({ type: 'register_admin', livestreamId: stream.id })
    await second.next('admin_registered')
    expect(await first.next('admin_replaced')).toEqual({ type: 'admin_replaced', livestreamId: stream.id })
    customer.send({ type: 'webrtc_new_customer' })
    await second.next('webrtc_new_customer')
    await first.nothing('webrtc_new_customer')
  })
})

describe('counters', () => {
  it('counts concurrent viewers and their peak from registered sockets', async () => {
    const { stream, studio } = await room()
    // Views count while live: the customer who waited is counted when the show starts, the others as they come.
    await api(`/api/livestreams/${stream.id}/start`, { method: 'POST', token: adminToken() })
    const more = [await socket(), await socket()]
    for (const s of more) s.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
    await studio.next('stream_update', frame => frame.currentViewers === 3)
    more[0]!.close()
    const after = await studio.next('stream_update', frame => frame.currentViewers === 2)
    expect(after.maxViewers).toBe(3)
    const stored = (await api(`/api/livestreams/${stream.id}`)).body.livestream
    expect(stored).toMatchObject({ currentViewers: 2, maxViewers: 3, viewCount: 3 })
  })

  it('coalesces a burst of likes into a few stream_update frames with the final count', async () => {
    const { stream, customer } = await room()
    await api(`/api/livestreams/${stream.id}/start`, { method: 'POST', token: adminToken() })
    const likers = await Promise.all(Array.from({ length: 10 }, () => guest()))
    await new Promise(r => setTimeout(r, 400))
    customer.frames.splice(0)
    await Promise.all(likers.flatMap(({ token }) => Array.from({ length: 5 }, () => api(`/api/livestreams/${stream.id}/like`, { token, body: { count: 2 } }))))
    await customer.next('stream_update', frame => frame.likes === 100)
    await new Promise(r => setTimeout(r, 400))
    const updates = customer.frames.filter(frame => frame.type === 'stream_update')
    // 50 likes arrived within well under a second: a handful of frames, never one per like.
    expect(updates.length).toBeLessThanOrEqual(6)
  })
})

describe('refused messages get an error frame and change nothing', () => {
  it('bad frames: not JSON, not an object, unknown type, missing or wrong fields', async () => {
    const s = await socket()
    expect(await s.refused('{not json')).toMatchObject({ code: 'BAD_MESSAGE' })
    for (const frame of ['42', '"text"', '[]', 'null']) expect(await s.refused(frame)).toMatchObject({ code: 'BAD_MESSAGE' })
    expect(await s.refused({ type: 'launch_rockets' })).toMatchObject({ code: 'BAD_MESSAGE', ref: 'launch_rockets' })
    expect(await s.refused({ type: 'register' })).toMatchObject({ code: 'BAD_MESSAGE', ref: 'register' })
    expect(await s.refused({ type: 'register', livestreamId: { $gt: '' }, sessionId: session() })).toMatchObject({ code: 'BAD_MESSAGE' })
    s.send({ type: 'ping' })
    expect(await s.next('pong')).toEqual({ type: 'pong' })
  })

  it('rooms and roles: unknown stream, chat before registering or without a token, customers acting as the studio', async () => {
    const { stream, customer, studio } = await room()
    const anonymous = await socket()
    expect(await anonymous.refused({ type: 'register', livestreamId: 'ffffffffffffffffffffffff', sessionId: session() })).toMatchObject({ code: 'NOT_FOUND', ref: 'register' })
    expect(await anonymous.refused({ type: 'chat_message', message: 'hi' })).toMatchObject({ code: 'UNAUTHORIZED' })
    expect(await anonymous.refused({ type: 'register_admin', livestreamId: stream.id })).toMatchObject({ code: 'UNAUTHORIZED' })
    const stranger = await socket((await guest()).token)
    expect(await stranger.refused({ type: 'chat_message', message: 'hi' })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await customer.refused({ type: 'register_admin', livestreamId: stream.id })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await customer.refused({ type: 'stream_started', livestreamId: stream.id })).toMatchObject({ code: 'FORBIDDEN', ref: 'stream_started' })
    expect(await customer.refused({ type: 'stream_stopped', livestreamId: stream.id })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await customer.refused({ type: 'webrtc_offer', to: 'anyone', offer: { type: 'offer', sdp: 'x' } })).toMatchObject({ code: 'FORBIDDEN', ref: 'webrtc_offer' })
    expect(await customer.refused({ type: 'webrtc_register', userType: 'admin' })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await studio.refused({ type: 'webrtc_answer', to: 'anyone', answer: { type: 'answer', sdp: 'x' } })).toMatchObject({ code: 'FORBIDDEN' })
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.status).toBe('scheduled')
    expect((await api(`/api/livestreams/${stream.id}/chat`)).body.items).toEqual([])
  })

  it('signaling never crosses rooms or reaches another customer', async () => {
    const a = await room()
    const b = await room()
    expect(await a.studio.refused({ type: 'webrtc_offer', to: b.viewerId, offer: { type: 'offer', sdp: 'x' } })).toMatchObject({ code: 'NOT_FOUND' })
    const other = await socket()
    other.send({ type: 'register', livestreamId: a.stream.id, sessionId: session() })
    const otherId = (await other.next('registered')).viewerId
    expect(await a.customer.refused({ type: 'webrtc_ice_candidate', to: otherId, candidate: null })).toMatchObject({ code: 'FORBIDDEN' })
    expect(await a.customer.refused({ type: 'webrtc_answer', to: otherId, answer: { type: 'answer', sdp: 'x' } })).toMatchObject({ code: 'FORBIDDEN' })
    await b.customer.nothing('webrtc_offer')
    await other.nothing('webrtc_ice_candidate')
  })

  it('chat: length after trimming, and the per-user limit', async () => {
    const { stream, customer } = await room()
    expect(await customer.refused({ type: 'chat_message', message: '    ' })).toMatchObject({ code: 'BAD_MESSAGE' })
    expect(await customer.refused({ type: 'chat_message', message: 'x'.repeat(501) })).toMatchObject({ code: 'BAD_MESSAGE' })
    for (let i = 0; i < 6; i++) customer.send({ type: 'chat_message', message: `line ${i}` })
    expect(await customer.next('error')).toMatchObject({ code: 'RATE_LIMITED', ref: 'chat_message' })
    await new Promise(r => setTimeout(r, 200))
    expect((await api(`/api/livestreams/${stream.id}/chat`)).body.items.map((m: { message: string }) => m.message))
      .toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4'])
  })

  it('closes a socket that sends a frame over 64 KiB (1009) or floods (1008); others carry on', async () => {
    const { customer } = await room()
    const big = await socket()
    big.send({ type: 'ping', pad: 'x'.repeat(70 * 1024) })
    expect((await big.waitClose()).code).toBe(1009)
    const flood = await socket()
    for (let i = 0; i < 500; i++) flood.send({ type: 'ping' })
    expect((await flood.waitClose()).code).toBe(1008)
    customer.send({ type: 'ping' })
    await customer.next('pong')
  })
})

describe('authentication at upgrade', () => {
  it('refuses a bad ?token= with 401 and a foreign Origin with 403', async () => {
    await expect(TestSocket.open({ token: 'not.a.token' })).rejects.toThrow('401')
    await expect(TestSocket.open({ headers: { origin: 'https://evil.example' } })).rejects.toThrow('403')
  })

  it('knows the user by the auth cookie', async () => {
    const { stream } = await room()
    const buyer = await guest('Cookie Monster')
    const s = await TestSocket.open({ headers: { cookie: `wrencos_token=${buyer.token}` } })
    open.push(s)
    s.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
    await s.next('registered')
    s.send({ type: 'chat_message', message: 'via cookie' })
    expect((await s.next('chat_message')).user).toEqual({ id: buyer.user.id, displayName: 'Cookie Monster', role: 'customer' })
  })
})
