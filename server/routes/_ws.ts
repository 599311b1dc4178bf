import type { Peer } from 'crossws'
import { parse as parseCookies } from 'cookie-es'
import { AUTH_COOKIE, DEVICE_COOKIE } from '../utils/auth'
import { resolveAddress } from '../utils/client-address'
import { logFormat, writeLog } from '../utils/log'
import { requestIdOf } from '../utils/request-context'
import type { AuthUser } from '../utils/jwt'
import { originAllowed, requestedHost } from '../utils/origin'
import { createRateLimiter } from '../utils/rate-limit'
import { openConnection, type Connection } from '../realtime/connection'
import { FLOOD_LIMIT, heartbeatMs } from '../realtime/limits'
import { openingFrames } from '../realtime/opening-frames'

// The socket of PROTOCOL.md. Authentication happens once, at upgrade: `?ticket=` (the embedded
// player's one-use ticket, POST /api/auth/socket-ticket), `?token=` (for non-browser clients) or
// the auth cookie. No token makes an anonymous viewer; a bad `?token=` is refused
// with 401. Every frame then goes to the room hub, after the first frames the socket's address
// may carry (`?register=`, realtime/opening-frames.ts).

interface UpgradeRequest { url: string, headers: Headers, _req?: { socket?: { remoteAddress?: string } }, context?: Record<string, unknown> }

interface TcpSocket { write(data: Buffer): boolean, writableLength: number, destroyed: boolean }
interface RawSocket { ping(): void, terminate(): void, on(event: 'pong', listener: () => void): void, readyState: number, _socket?: TcpSocket }

/** A socket that lets this much pile up unread is too slow to follow the room: it is dropped. */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024
interface PeerState { connection: Connection, alive: boolean, raw?: RawSocket, slot?: string }

/** What the upgrade learned about a socket, for `open`; `slot` is its place under the per-address cap. */
interface Arrival { user: AuthUser | null, address: string, deviceId?: string, slot: string, unopened: ReturnType<typeof setTimeout>, expired?: boolean, opening: string[] }

/** An upgrade that has not become an open socket by then never will: its place is given back. */
const OPEN_WITHIN_MS = 10_000

const floods = createRateLimiter(FLOOD_LIMIT)
const peers = new Map<string, PeerState>()

async function authenticate(request: UpgradeRequest, cookies: Record<string, string | undefined>): Promise<AuthUser | null> {
  const { sessions } = await useCore()
  const query = new URL(request.url).searchParams
  const ticket = query.get('ticket')
  if (ticket) {
    const user = await sessions.redeemTicket(ticket)
    if (!user) throw new Response('invalid, expired or used ticket', { status: 401 })
    return user
  }
  const explicit = query.get('token')
  if (explicit) {
    const user = await sessions.verify(explicit)
    if (!user) throw new Response('invalid or expired token', { status: 401 })
    return user
  }
  const cookie = cookies[AUTH_COOKIE]
  // A stale cookie must not lock a viewer out: it only makes them anonymous.
  return cookie ? await sessions.verify(cookie) : null
}

/** The `ws` socket under a crossws peer, for protocol-level ping/pong (absent in other runtimes). */
function rawSocket(peer: Peer): RawSocket | undefined {
  const ws = (peer as unknown as { _internal?: { ws?: RawSocket } })._internal?.ws
  return typeof ws?.ping === 'function' ? ws : undefined
}

/**
 * Writes frames the hub has already framed (see RoomBatcher) to the TCP socket under `ws`. Safe
 * beside ws's own sends: without permessage-deflate, ws writes each frame whole and at once.
 */
function frameWriter(raw: RawSocket | undefined): Connection['sendFrames'] {
  const tcp = raw?._socket
  if (!raw || !tcp || typeof tcp.write !== 'function') return undefined
  return (frames) => {
    if (raw.readyState !== 1 || tcp.destroyed) return true
    if (tcp.writableLength > MAX_UNSENT_BYTES) {
      raw.terminate()
      return true
    }
    tcp.write(frames)
    return true
  }
}

// One timer for all sockets: a socket that answered no ping since the last round is dropped.
const heartbeat = setInterval(() => {
  for (const state of peers.values()) {
    if (!state.raw) continue
    if (!state.alive) {
      state.raw.terminate()
      continue
    }
    state.alive = false
    state.raw.ping()
  }
}, heartbeatMs())
heartbeat.unref()

/** Who may open this socket (origin, draining, the per-address cap, the credentials): its arrival, or a refusal thrown as a Response. */
async function admit(upgrade: UpgradeRequest): Promise<Arrival> {
  const config = serverConfig()
  // Browsers send Origin: only this site's own pages (and the configured CORS origins) may open a socket with the cookie.
  if (!originAllowed(upgrade.headers.get('origin'), requestedHost(upgrade.headers), config.corsOrigins)) {
    throw new Response('origin not allowed', { status: 403 })
  }
  const app = await useApp()
  if (app.draining) throw new Response('shutting down', { status: 503, headers: { 'Retry-After': '1' } })
  const address = resolveAddress(upgrade._req?.socket?.remoteAddress, upgrade.headers.get('x-forwarded-for'), config.proxyHops)
  // One address cannot open sockets without end (each would count as a viewer), across
  // processes: the place is taken before anything is awaited, and given back if the upgrade fails.
  const slot = `sockets:${address}`
  if (!await app.bus.slots.take(slot, config.maxSocketsPerAddress)) {
    throw new Response('too many connections from this address', { status: 429, headers: { 'Retry-After': '10' } })
  }
  try {
    const cookies = parseCookies(upgrade.headers.get('cookie') ?? '')
    const deviceId = cookies[DEVICE_COOKIE]
    const user = await authenticate(upgrade, cookies)
    const arrival: Arrival = { user, address, slot, opening: openingFrames(upgrade.url), unopened: setTimeout(() => {
      arrival.expired = true
      void app.bus.slots.give(slot)
    }, OPEN_WITHIN_MS), ...(deviceId && /^[\w-]{16,64}$/.test(deviceId) ? { deviceId } : {}) }
    arrival.unopened.unref()
    ;(upgrade as unknown as { context: Record<string, unknown> }).context.arrival = arrival
    return arrival
  }
  catch (error) {
    await app.bus.slots.give(slot)
    throw error
  }
}

export default defineWebSocketHandler({
  // The upgrade's access line (JSON logs): its request id and user, its status, never its ?ticket=.
  async upgrade(request) {
    const requestId = requestIdOf(request.headers.get('x-request-id') ?? undefined)
    const started = performance.now()
    const logged = (status: number, userId?: string) => {
      if (logFormat() === 'json') writeLog('info', [`GET /_ws ${status} ${Math.round(performance.now() - started)} ms`], { requestId, userId })
    }
    try {
      logged(101, (await admit(request as unknown as UpgradeRequest)).user?.id)
    }
    catch (error) {
      logged(error instanceof Response ? error.status : 500)
      throw error
    }
  },

  async open(peer) {
    const { hub } = await useApp()
    const arrival = peer.context.arrival as Arrival
    clearTimeout(arrival.unopened)
    if (arrival.expired) return peer.close(1013, 'try again')
    const raw = rawSocket(peer)
    const connection = openConnection({
      user: arrival.user,
      address: arrival.address,
      deviceId: arrival.deviceId,
      send: text => peer.send(text),
      close: (code, reason) => peer.close(code, reason),
      sendFrames: frameWriter(raw),
    })
    const state: PeerState = { connection, alive: true, raw, slot: arrival.slot }
    state.raw?.on('pong', () => {
      state.alive = true
    })
    peers.set(peer.id, state)
    hub.connect(connection)
    for (const text of arrival.opening) hub.receive(connection, text)
  },

  async message(peer, message) {
    const state = peers.get(peer.id)
    if (!state) return
    state.alive = true
    if (!floods.take(state.connection.id).ok) {
      peer.close(1008, 'too many messages')
      return
    }
    ;(await useHub()).receive(state.connection, message.text())
  },

  async close(peer) {
    const state = peers.get(peer.id)
    if (!state) return
    peers.delete(peer.id)
    const { hub, bus } = await useApp()
    hub.disconnect(state.connection)
    if (state.slot) await bus.slots.give(state.slot)
  },

  error(peer, error) {
    console.warn(`[ws] socket ${peer.id}: ${error.message}`)
  },
})
