// Several server processes serving one room through Redis, and a clean shutdown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { startServer, type RunningServer } from '../support/server'
import { TestSocket } from '../support/socket'
import { REDIS_URL, haveRedis } from '../support/redis'

const session = () => `session-${Math.random().toString(36).slice(2, 12)}`

/** Signs in as `server`'s admin, creates a stream there and registers a studio socket for it. */
async function studioOn(server: RunningServer, title: string) {
  const login = await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })
  const token = login.body.token as string
  const stream = (await api('/api/livestreams', { base: server.baseURL, token, body: { title, quality: '480p' } })).body.livestream
  const studio = await TestSocket.open({ base: server.baseURL, token })
  studio.send({ type: 'register_admin', livestreamId: stream.id })
  await studio.next('admin_registered')
  return { token, stream, studio }
}

describe.skipIf(!haveRedis)('two processes, one room, through Redis', () => {
  let a: RunningServer
  let b: RunningServer
  const sockets: TestSocket[] = []
  const secret = `cluster-secret-${Date.now()}`

  beforeAll(async () => {
    a = await startServer({ NUXT_REDIS_URL: REDIS_URL, NUXT_JWT_SECRET: secret })
    // Same secret, same database directory, same Redis: two processes behind one load balancer.
    b = await startServer({ NUXT_REDIS_URL: REDIS_URL, NUXT_JWT_SECRET: secret, NUXT_ADMIN_EMAIL: a.env.NUXT_ADMIN_EMAIL!, NUXT_ADMIN_PASSWORD: a.env.NUXT_ADMIN_PASSWORD! }, { dataDir: a.dataDir })
  })
  afterAll(async () => {
    for (const s of sockets) s.close()
    await b?.stop({ keepData: true })
    await a?.stop()
  })

  async function socketOn(server: RunningServer, token?: string) {
    const s = await TestSocket.open({ base: server.baseURL, token })
    sockets.push(s)
    return s
  }

  it('carries signaling, chat, counters and pins between the processes', async () => {
    const { token: admin, stream, studio } = await studioOn(a, 'Cluster show')
    sockets.push(studio)

    const buyer = (await api('/api/auth/guest', { base: b.baseURL, body: { displayName: 'Bea' } })).body
    const customer = await socketOn(b, buyer.token)
    customer.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
    const viewerId = (await customer.next('registered')).viewerId

    studio.send({ type: 'webrtc_register', userType: 'admin' })
    await customer.next('broadcaster_ready')
    customer.send({ type: 'webrtc_register', userType: 'customer' })
    customer.send({ type: 'webrtc_new_customer' })
    expect(await studio.next('webrtc_new_customer')).toEqual({ type: 'webrtc_new_customer', customerId: viewerId })
    studio.send({ type: 'webrtc_offer', to: viewerId, offer: { type: 'offer', sdp: 'v=0\r\n' } })
    const offer = await customer.next('webrtc_offer')
    customer.send({ type: 'webrtc_answer', to: offer.from, answer: { type: 'answer', sdp: 'v=0\r\n' } })
    expect(await studio.next('webrtc_answer')).toMatchObject({ from: viewerId })

    studio.send({ type: 'stream_started', livestreamId: stream.id })
    await customer.next('stream_started')

    customer.send({ type: 'chat_message', message: 'hello from B' })
    expect((await studio.next('chat_message')).message).toBe('hello from B')
    studio.send({ type: 'chat_message', message: 'hello from A' })
    expect((await customer.next('chat_message', frame => frame.message === 'hello from A')).user.role).toBe('admin')

    // A second customer on A: both processes agree there are two viewers.
    const other = await socketOn(a)
    other.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
    await customer.next('stream_update', frame => frame.currentViewers === 2)
    await studio.next('stream_update', frame => frame.currentViewers === 2)
    for (const server of [a, b]) {
      expect((await api(`/api/livestreams/${stream.id}`, { base: server.baseURL })).body.livestream).toMatchObject({ currentViewers: 2, maxViewers: 2 })
    }

    await api(`/api/livestreams/${stream.id}/like`, { base: b.baseURL, token: buyer.token, body: { count: 7 } })
    await studio.next('stream_update', frame => frame.likes === 7)
    await other.next('stream_update', frame => frame.likes === 7)

    const product = (await api('/api/products', { base: a.baseURL, token: admin, body: { name: 'Cluster gloss', priceCents: 900, currency: 'EUR', stock: 3 } })).body.product
    await api(`/api/livestreams/${stream.id}/pin-product`, { base: a.baseURL, token: admin, body: { productId: product.id, pinned: true } })
    expect((await customer.next('pinned_products_updated')).pinnedProducts.map((p: { name: string }) => p.name)).toEqual(['Cluster gloss'])

    customer.close()
    expect(await studio.next('viewer_left')).toEqual({ type: 'viewer_left', customerId: viewerId })
    await studio.next('stream_update', frame => frame.currentViewers === 1)
  })

  it('refuses an offer from A to a customer who is in another room on B', async () => {
    const { token, studio } = await studioOn(a, 'Room one')
    sockets.push(studio)
    const two = (await api('/api/livestreams', { base: a.baseURL, token, body: { title: 'Room two', quality: '480p' } })).body.livestream
    const elsewhere = await socketOn(b)
    elsewhere.send({ type: 'register', livestreamId: two.id, sessionId: session() })
    const viewerId = (await elsewhere.next('registered')).viewerId
    expect(await studio.refused({ type: 'webrtc_offer', to: viewerId, offer: { type: 'offer', sdp: 'x' } })).toMatchObject({ code: 'NOT_FOUND' })
    await elsewhere.nothing('webrtc_offer')
  })

  it('counts one user\'s limits once across both processes: likes sent to A and B alternately', async () => {
    const { token: adminToken, stream, studio } = await studioOn(a, 'Shared limits')
    sockets.push(studio)
    await api(`/api/livestreams/${stream.id}/start`, { base: a.baseURL, method: 'POST', token: adminToken })
    const { token } = (await api('/api/auth/guest', { base: a.baseURL, body: { displayName: 'Two-process fan' } })).body
    const statuses = []
    for (let i = 0; i < 10; i++) {
      const server = i % 2 ? b : a
      statuses.push((await api(`/api/livestreams/${stream.id}/like`, { base: server.baseURL, token, body: { count: 1 } })).status)
    }
    // A burst of 5 per user in all; per process it would have been 5 on each.
    expect(statuses.filter(status => status === 200)).toHaveLength(5)
    expect(statuses.filter(status => status === 429)).toHaveLength(5)
  })

  it('polls and giveaways across the processes: a vote on B is counted once on A\'s screens, a draw on A sees entries made on both', { timeout: 60_000 }, async () => {
    const { token: adminToken, stream, studio } = await studioOn(a, 'On air in a cluster')
    sockets.push(studio)
    await api(`/api/livestreams/${stream.id}/start`, { base: a.baseURL, method: 'POST', token: adminToken })
    const viewer = async (server: RunningServer, name: string) => {
      const { token, user } = (await api('/api/auth/guest', { base: server.baseURL, body: { displayName: name } })).body
      const socket = await socketOn(server, token)
      socket.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
      await socket.next('registered')
      return { socket, token, user }
    }
    const onB = await viewer(b, 'Bea on B')
    const onA = await viewer(a, 'Ada on A')

    studio.send({ type: 'poll_start', question: 'Rose or coral?', options: ['Rose', 'Coral'] })
    const { poll } = await onB.socket.next('poll_started')
    onB.socket.send({ type: 'poll_vote', pollId: poll.id, option: 1 })
    await onA.socket.next('poll_updated', frame => frame.counts[1] === 1)
    onA.socket.send({ type: 'poll_vote', pollId: poll.id, option: 0 })
    expect((await onB.socket.next('poll_updated', frame => frame.counts[0] === 1)).counts).toEqual([1, 1])
    // Bea changes her mind on B: one vote moves, none is added, on either process.
    onB.socket.send({ type: 'poll_vote', pollId: poll.id, option: 0 })
    expect((await studio.next('poll_updated', frame => frame.counts[0] === 2)).counts).toEqual([2, 0])
    for (const server of [a, b]) {
      expect((await api(`/api/livestreams/${stream.id}/on-air`, { base: server.baseURL })).body.polls[0].counts).toEqual([2, 0])
    }

    studio.send({ type: 'giveaway_start', prize: 'A Glow set', seconds: 30, keyword: 'glow' })
    const { giveaway } = await onB.socket.next('giveaway_started')
    onB.socket.send({ type: 'giveaway_enter', giveawayId: giveaway.id })
    await onB.socket.next('giveaway_entered')
    onA.socket.send({ type: 'chat_message', message: 'glow' })
    await onA.socket.next('giveaway_entered')
    expect((await studio.next('giveaway_updated', frame => frame.entries === 2)).entries).toBe(2)
    // The entry window is 30 s at least (PROTOCOL.md): draw once it has closed.
    await new Promise(resolve => setTimeout(resolve, Date.parse(giveaway.endsAt) - Date.now() + 200))
    studio.send({ type: 'giveaway_draw', giveawayId: giveaway.id, winners: 2 })
    const drawn = await onB.socket.next('giveaway_drawn')
    expect(drawn.winners.map((winner: { id: string }) => winner.id).sort()).toEqual([onA.user.id, onB.user.id].sort())
    const proof = (await api(`/api/livestreams/${stream.id}/giveaways/${giveaway.id}`, { base: b.baseURL })).body
    expect(proof.pool).toEqual([onA.user.id, onB.user.id].sort())
    expect(proof.giveaway.seed).toBe(drawn.seed)
  })

  it('moderates across the processes: a delete on A leaves B\'s screens, a ban on A holds on B at once, a held line reaches B\'s moderator', async () => {
    const { token: adminToken, stream, studio } = await studioOn(a, 'Moderated cluster')
    sockets.push(studio)
    await api(`/api/livestreams/${stream.id}/start`, { base: a.baseURL, method: 'POST', token: adminToken })
    const email = `cluster-mod-${Date.now()}@example.com`
    await api('/api/moderators', { base: a.baseURL, token: adminToken, body: { email, password: 'moderate-well', displayName: 'Mo' } })
    const modToken = (await api('/api/auth/login', { base: b.baseURL, body: { email, password: 'moderate-well' } })).body.token
    const moderator = await socketOn(b, modToken)
    moderator.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
    await moderator.next('registered')
    const spammer = (await api('/api/auth/guest', { base: b.baseURL, body: { displayName: 'Spammer' } })).body
    const onB = await socketOn(b, spammer.token)
    onB.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
    await onB.next('registered')
    // Made before the ban: a guest from the banned one's address made after it would be banned too.
    const fan = (await api('/api/auth/guest', { base: a.baseURL, body: { displayName: 'Fan' } })).body
    const watcher = await socketOn(b)
    watcher.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
    await watcher.next('registered')

    onB.send({ type: 'chat_message', message: 'spam from B' })
    const line = await studio.next('chat_message', frame => frame.message === 'spam from B')
    studio.send({ type: 'chat_delete', messageId: line.id })
    await watcher.next('chat_message', frame => frame.id === line.id)
    expect(await watcher.next('chat_deleted')).toEqual({ type: 'chat_deleted', livestreamId: stream.id, messageId: line.id })
    expect((await moderator.next('moderation_action')).action).toMatchObject({ action: 'delete', moderator: { displayName: 'WrenCos Studio' } })

    studio.send({ type: 'mod_ban', userId: spammer.user.id })
    await moderator.next('moderation_action', frame => frame.action.action === 'ban')
    expect(await onB.refused({ type: 'chat_message', message: 'back again' })).toMatchObject({ code: 'FORBIDDEN' })
    expect((await api(`/api/livestreams/${stream.id}/like`, { base: b.baseURL, token: spammer.token, body: { count: 1 } })).status).toBe(403)

    moderator.send({ type: 'chat_settings', holdLinks: true })
    await studio.next('chat_settings_updated', frame => frame.holdLinks === true)
    const fanOnA = await socketOn(a, fan.token)
    fanOnA.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
    await fanOnA.next('registered')
    fanOnA.send({ type: 'chat_message', message: 'my look: example.com/look' })
    const held = await moderator.next('chat_held')
    await watcher.nothing('chat_message', 500)
    moderator.send({ type: 'chat_release', messageId: held.message.id })
    expect((await watcher.next('chat_message', frame => frame.message === 'my look: example.com/look')).id).toBe(held.message.id)
  })
})

describe('dead sockets', () => {
  it('drops a socket that stops answering pings, and its room hears it left', async () => {
    const server = await startServer({ NUXT_WS_HEARTBEAT_MS: '300' })
    try {
      const { stream, studio } = await studioOn(server, 'Heartbeat')
      const ghost = await TestSocket.open({ base: server.baseURL })
      ghost.send({ type: 'register', livestreamId: stream.id, sessionId: session() })
      const viewerId = (await ghost.next('registered')).viewerId
      await studio.next('stream_update', frame => frame.currentViewers === 1)
      // A phone that lost its network: the TCP connection stays, but nothing is read or answered.
      ;(ghost.ws as unknown as { _socket: { pause(): void } })._socket.pause()
      expect(await studio.next('viewer_left', () => true, 3000)).toEqual({ type: 'viewer_left', customerId: viewerId })
      await studio.next('stream_update', frame => frame.currentViewers === 0)
      // The studio itself answers pings, so it is still there.
      studio.send({ type: 'ping' })
      await studio.next('pong')
      studio.close()
    }
    finally {
      await server.stop()
    }
  })
})

describe('shutdown', () => {
  it('on SIGTERM closes sockets with 1001, keeps what was sent, and exits', async () => {
    const server = await startServer()
    try {
      const { stream, studio: s } = await studioOn(server, 'Closing time')
      s.send({ type: 'chat_message', message: 'last words' })
      await s.next('chat_message')
      const exited = new Promise<number | null>(resolve => server.process.once('exit', resolve))
      server.process.kill('SIGTERM')
      expect((await s.waitClose()).code).toBe(1001)
      expect(await exited).toBe(0)

      const again = await startServer(server.env, { dataDir: server.dataDir })
      try {
        const chat = await api(`/api/livestreams/${stream.id}/chat`, { base: again.baseURL })
        expect(chat.body.items.map((m: { message: string }) => m.message)).toEqual(['last words'])
      }
      finally {
        await again.stop({ keepData: true })
      }
    }
    finally {
      await server.stop()
    }
  })
})
