// The room hub: who is in which room on this process, what each socket may do there, and the
// delivery of room traffic. Every change goes through the domain functions; what they announce
// (roomEvents) is published once on the Bus and reaches every process serving the room.
import { randomBytes } from 'node:crypto'
import { isError } from 'h3'
import { ClientMessage, type ErrorCode, type ServerMessage } from '#shared/schemas/socket'
import type { Store } from '../db'
import { chatHistory, postChat } from '../domain/chat'
import { findLivestream, presentLivestream, refreshPinsFor, startLivestream, stopLivestream, viewLivestream } from '../domain/livestreams'
import { noteCounters } from '../domain/samples'
import type { AuthUser } from '../utils/jwt'
import { createRateLimiter } from '../utils/rate-limit'
import type { Bus, Envelope } from './bus'
import { CounterCoalescer } from './coalesce'
import { RoomBatcher } from './room-batcher'
import { roomEvents, type RoomEvents } from './events'

export interface Connection {
  /** Handed out by the server: the viewerId / customerId that signaling addresses. */
  readonly id: string
  readonly user: AuthUser | null
  send(text: string): void
  /**
   * Writes ready-made WebSocket frames straight to the socket, for room-wide traffic; false where
   * that is not possible (the hub then uses `send`).
   */
  sendFrames?: (frames: Buffer) => boolean
  close(code: number, reason: string): void
  room?: string
  role?: 'broadcaster' | 'viewer'
  webrtcReady: boolean
  /** Frames of one socket are handled one after another, in order. */
  queue: Promise<void>
}

export class SocketError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message)
  }
}

const HTTP_TO_CODE: Record<number, ErrorCode> = { 400: 'BAD_MESSAGE', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'FORBIDDEN', 429: 'RATE_LIMITED' }
export const frame = (message: ServerMessage) => JSON.stringify(message)
export const newConnectionId = () => randomBytes(9).toString('base64url')

export class RoomHub {
  private readonly rooms = new Map<string, Set<Connection>>()
  private readonly chatLimiter = createRateLimiter({ burst: 5, perSecond: 1 })
  private readonly viewerFlush = new Map<string, NodeJS.Timeout>()
  private readonly counters: CounterCoalescer
  private readonly batcher = new RoomBatcher(room => this.rooms.get(room))
  private readonly detach: () => void

  constructor(private readonly store: Store, readonly bus: Bus) {
    bus.onEnvelope(envelope => this.deliver(envelope))
    this.counters = new CounterCoalescer(update => this.publish(update.livestreamId, { type: 'stream_update', ...update }))
    this.detach = this.listen()
  }

  /** What the domain announces becomes frames for the room. */
  private listen() {
    const onStarted = ({ livestream, streamData }: RoomEvents['started'][0]) =>
      this.publish(livestream.id, { type: 'stream_started', livestreamId: livestream.id, streamData: streamData ?? null })
    const onStopped = (livestream: RoomEvents['stopped'][0]) =>
      this.publish(livestream.id, { type: 'stream_stopped', livestreamId: livestream.id })
    const onPins = (pins: RoomEvents['pins'][0]) => this.publish(pins.livestreamId, { type: 'pinned_products_updated', ...pins })
    const onChat = (message: RoomEvents['chat'][0]) => this.publish(message.livestreamId, { type: 'chat_message', ...message })
    const onCounters = (update: RoomEvents['counters'][0]) => this.counters.note(update)
    const onProducts = (ids: RoomEvents['products'][0]) => {
      refreshPinsFor(this.store, ids).catch(error => console.error('[hub] could not refresh pins', error))
    }
    roomEvents.on('started', onStarted).on('stopped', onStopped).on('pins', onPins).on('chat', onChat)
      .on('counters', onCounters).on('products', onProducts)
    return () => {
      roomEvents.off('started', onStarted).off('stopped', onStopped).off('pins', onPins).off('chat', onChat)
        .off('counters', onCounters).off('products', onProducts)
    }
  }

  publish(room: string, message: ServerMessage, target: Omit<Envelope, 'room' | 'frame'> = {}) {
    this.bus.publish({ room, frame: frame(message), ...target }).catch(error => console.error('[hub] publish failed', error))
  }

  /** Hands a frame from the bus to this process's sockets in the room. */
  private deliver(envelope: Envelope) {
    const members = this.rooms.get(envelope.room)
    if (!members) return
    const { to, toBroadcaster, except, demote } = envelope
    // Room-wide traffic is batched per tick; what is for one socket (signaling, demotion) goes now.
    if (!to && !toBroadcaster && !except && !demote) return this.batcher.queue(envelope.room, envelope.frame)
    for (const connection of members) {
      if (envelope.to && connection.id !== envelope.to) continue
      if (envelope.toBroadcaster && connection.role !== 'broadcaster') continue
      if (envelope.except && connection.id === envelope.except) continue
      connection.send(envelope.frame)
      if (envelope.demote) this.demote(connection)
    }
  }

  /** One frame from a socket: parsed with the shared schema, then handled in order with the rest. */
  receive(connection: Connection, text: string) {
    connection.queue = connection.queue.then(() => this.handleFrame(connection, text))
  }

  private async handleFrame(connection: Connection, text: string) {
    let ref: string | undefined
    try {
      let raw: unknown
      try {
        raw = JSON.parse(text)
      }
      catch {
        throw new SocketError('BAD_MESSAGE', 'not JSON')
      }
      if (typeof raw === 'object' && raw && typeof (raw as { type?: unknown }).type === 'string') ref = (raw as { type: string }).type
      const parsed = ClientMessage.safeParse(raw)
      if (!parsed.success) {
        const issues = parsed.error.issues.map(issue => `${issue.path.join('.') || 'frame'}: ${issue.message}`).join('; ')
        throw new SocketError('BAD_MESSAGE', issues)
      }
      await this.handle(connection, parsed.data)
    }
    catch (error) {
      this.refuse(connection, error, ref)
    }
  }

  private refuse(connection: Connection, error: unknown, ref?: string) {
    let code: ErrorCode
    let message: string
    if (error instanceof SocketError) {
      ({ code, message } = error)
    }
    else if (isError(error) && HTTP_TO_CODE[error.statusCode]) {
      code = HTTP_TO_CODE[error.statusCode]!
      message = error.message
    }
    else {
      console.error('[hub] failed to handle a frame', error)
      code = 'BAD_MESSAGE'
      message = 'the server could not handle this message'
    }
    connection.send(frame({ type: 'error', code, message, ...(ref ? { ref } : {}) }))
  }

  private async handle(connection: Connection, message: ClientMessage) {
    switch (message.type) {
      case 'ping':
        return connection.send(frame({ type: 'pong' }))
      case 'register_admin':
        return this.registerAdmin(connection, message.livestreamId)
      case 'register':
        return this.registerViewer(connection, message.livestreamId, message.sessionId)
      case 'webrtc_register':
        return this.webrtcRegister(connection, message.userType)
      case 'chat_message': {
        const user = this.requireUser(connection)
        const room = this.requireRoom(connection)
        const allowed = this.chatLimiter.take(user.id)
        if (!allowed.ok) throw new SocketError('RATE_LIMITED', `slow down: try again in ${allowed.retryAfterSeconds} s`)
        await postChat(this.store, room, user, message.message, message.clientId)
        return
      }
      case 'stream_started':
        this.requireBroadcasterOf(connection, message.livestreamId)
        if ((await findLivestream(this.store, message.livestreamId)).status === 'live') {
          // Already live (a studio that reconnected): say it again for whoever missed it.
          return this.publish(message.livestreamId, { type: 'stream_started', livestreamId: message.livestreamId, streamData: message.streamData ?? null })
        }
        await startLivestream(this.store, message.livestreamId, message.streamData)
        return
      case 'stream_stopped':
        this.requireBroadcasterOf(connection, message.livestreamId)
        await stopLivestream(this.store, message.livestreamId)
        return
      default:
        return this.signal(connection, message)
    }
  }

  private requireUser(connection: Connection): AuthUser {
    if (!connection.user) throw new SocketError('UNAUTHORIZED', 'sign in to chat')
    return connection.user
  }

  private requireRoom(connection: Connection): string {
    if (!connection.room) throw new SocketError('FORBIDDEN', 'register in a livestream first')
    return connection.room
  }

  private requireBroadcasterOf(connection: Connection, livestreamId: string) {
    if (connection.role !== 'broadcaster' || connection.room !== livestreamId) {
      throw new SocketError('FORBIDDEN', 'only this stream\'s studio can do that')
    }
  }

  private async join(connection: Connection, room: string, role: Connection['role']) {
    await this.leave(connection)
    connection.room = room
    connection.role = role
    let members = this.rooms.get(room)
    if (!members) {
      members = new Set()
      this.rooms.set(room, members)
      await this.bus.subscribe(room)
    }
    members.add(connection)
  }

  /** A studio another one replaced: out of the room, without touching the new broadcaster's presence. */
  private demote(connection: Connection) {
    if (!connection.room) return
    this.rooms.get(connection.room)?.delete(connection)
    connection.room = undefined
    connection.role = undefined
    connection.webrtcReady = false
  }

  /** Takes a socket out of its room: presence, viewer count, and `viewer_left` to the studio. */
  async leave(connection: Connection) {
    const room = connection.room
    if (!room) return
    const { role } = connection
    connection.room = undefined
    connection.role = undefined
    connection.webrtcReady = false
    const members = this.rooms.get(room)
    members?.delete(connection)
    if (members && !members.size) {
      this.rooms.delete(room)
      await this.bus.unsubscribe(room)
    }
    if (role === 'broadcaster') {
      await this.bus.presence.clearBroadcaster(room, connection.id)
      return
    }
    const count = await this.bus.presence.leave(room, connection.id)
    this.scheduleViewerCount(room, count)
    this.publish(room, { type: 'viewer_left', customerId: connection.id }, { toBroadcaster: true })
  }

  private async registerAdmin(connection: Connection, livestreamId: string) {
    const user = this.requireUser(connection)
    if (user.role !== 'admin') throw new SocketError('FORBIDDEN', 'only an admin can broadcast')
    const stream = await findLivestream(this.store, livestreamId)
    await this.join(connection, livestreamId, 'broadcaster')
    const replaced = await this.bus.presence.setBroadcaster(livestreamId, connection.id)
    if (replaced) this.publish(livestreamId, { type: 'admin_replaced', livestreamId }, { to: replaced, demote: true })
    connection.send(frame({ type: 'admin_registered', livestreamId: stream.id }))
    connection.send(frame({ type: 'chat_history', items: await chatHistory(this.store, livestreamId) }))
  }

  private async registerViewer(connection: Connection, livestreamId: string, sessionId: string) {
    // Counting the view also proves the stream exists (404 otherwise) and reads it once for the answer.
    const record = await viewLivestream(this.store, livestreamId, sessionId)
    await this.join(connection, livestreamId, 'viewer')
    const count = await this.bus.presence.join(livestreamId, connection.id)
    this.scheduleViewerCount(livestreamId, count)
    const livestream = await presentLivestream(this.store, record)
    connection.send(frame({ type: 'registered', sessionId, viewerId: connection.id, livestream }))
    connection.send(frame({ type: 'chat_history', items: await chatHistory(this.store, livestreamId) }))
  }

  private async webrtcRegister(connection: Connection, userType: 'admin' | 'customer') {
    const room = this.requireRoom(connection)
    if (userType === 'admin' && connection.role !== 'broadcaster') throw new SocketError('FORBIDDEN', 'register_admin first')
    if (userType === 'customer' && connection.role !== 'viewer') throw new SocketError('FORBIDDEN', 'the studio registers as admin')
    connection.webrtcReady = true
    // Customers who arrived before the studio ask again for video when it is ready.
    if (userType === 'admin') this.publish(room, { type: 'broadcaster_ready', livestreamId: room }, { except: connection.id })
  }

  /** Offers, answers and ICE go only between a room's studio and one customer of that room. */
  private async signal(connection: Connection, message: Exclude<Extract<ClientMessage, { type: `webrtc_${string}` }>, { type: 'webrtc_register' }>) {
    const room = this.requireRoom(connection)
    const presence = this.bus.presence
    if (message.type === 'webrtc_new_customer') {
      if (connection.role !== 'viewer') throw new SocketError('FORBIDDEN', 'only customers ask for video')
      const broadcaster = await presence.broadcaster(room)
      if (!broadcaster) throw new SocketError('NOT_FOUND', 'the host is not connected yet')
      return this.publish(room, { type: 'webrtc_new_customer', customerId: connection.id }, { to: broadcaster })
    }
    if (connection.role === 'broadcaster') {
      if (message.type === 'webrtc_answer') throw new SocketError('FORBIDDEN', 'the studio sends offers, not answers')
      if (!(await presence.isMember(room, message.to))) throw new SocketError('NOT_FOUND', 'no such customer in this room')
    }
    else {
      if (message.type === 'webrtc_offer') throw new SocketError('FORBIDDEN', 'only the studio sends offers')
      if (message.to !== await presence.broadcaster(room)) throw new SocketError('FORBIDDEN', 'customers can only signal the studio of their room')
    }
    const { type, to } = message
    const payload = type === 'webrtc_offer'
      ? { type, from: connection.id, offer: message.offer }
      : type === 'webrtc_answer'
        ? { type, from: connection.id, answer: message.answer }
        : { type, from: connection.id, candidate: message.candidate }
    this.publish(room, payload as ServerMessage, { to })
  }

  /** Viewer counts change with every join and leave; the stored count and peak follow every 250 ms. */
  private scheduleViewerCount(room: string, count: number) {
    const existing = this.viewerFlush.get(room)
    if (existing) clearTimeout(existing)
    const timer = setTimeout(async () => {
      this.viewerFlush.delete(room)
      try {
        const total = await this.bus.presence.count(room).catch(() => count)
        const record = await this.store.setCurrentViewers(room, total)
        if (record) noteCounters(this.store, record)
      }
      catch (error) {
        console.error('[hub] could not store viewer counts', error)
      }
    }, 250)
    timer.unref()
    this.viewerFlush.set(room, timer)
  }

  private readonly connections = new Set<Connection>()

  /** A socket opened: it may register in a room from now on. */
  connect(connection: Connection) {
    this.connections.add(connection)
  }

  /** A socket closed: out of its room, once the frames it sent before closing are handled. */
  disconnect(connection: Connection) {
    this.connections.delete(connection)
    connection.queue = connection.queue.then(() => this.leave(connection)).catch(error => console.error('[hub] leave failed', error))
  }

  closeAll(code: number, reason: string) {
    for (const connection of this.connections) connection.close(code, reason)
  }

  /** Closes every socket with 1001 (going away) and lets pending work finish. */
  async shutdown() {
    this.detach()
    const connections = [...this.connections]
    this.batcher.flush()
    this.closeAll(1001, 'server shutting down')
    await Promise.allSettled(connections.map(connection => connection.queue))
    await Promise.allSettled(connections.map(connection => this.leave(connection)))
    for (const timer of this.viewerFlush.values()) clearTimeout(timer)
    this.counters.flush()
  }
}
