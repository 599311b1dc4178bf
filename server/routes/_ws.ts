import type { Peer } from 'crossws'
import { parse as parseCookies } from 'cookie-es'
import { AUTH_COOKIE } from '../utils/auth'
import { verifyToken, type AuthUser } from '../utils/jwt'
import { createRateLimiter } from '../utils/rate-limit'
import { openConnection, type Connection } from '../realtime/connection'
import { FLOOD_LIMIT, heartbeatMs } from '../realtime/limits'

// The socket of PROTOCOL.md. Authentication happens once, at upgrade: `?token=` (for non-browser
// clients) or the auth cookie. No token makes an anonymous viewer; a bad `?token=` is refused
// with 401. Every frame then goes to the room hub.

type UpgradeRequest = { url: string, headers: Headers }

interface TcpSocket { write(data: Buffer): boolean, writableLength: number, destroyed: boolean }
interface RawSocket { ping(): void, terminate(): void, on(event: 'pong', listener: () => void): void, readyState: number, _socket?: TcpSocket }

/** A socket that lets this much pile up unread is too slow to follow the room: it is dropped. */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024
interface PeerState { connection: Connection, alive: boolean, raw?: RawSocket }

const floods = createRateLimiter(FLOOD_LIMIT)
const peers = new Map<string, PeerState>()

/** Browsers send Origin: only this site's own pages (and the configured CORS origins) may open a socket with the cookie. */
function originAllowed(request: UpgradeRequest): boolean {
  const origin = request.headers.get('origin')
  if (!origin) return true
  const forwarded = serverConfig().trustProxy ? request.headers.get('x-forwarded-host') : null
  const host = forwarded ?? request.headers.get('host')
  try {
    return new URL(origin).host === host || serverConfig().corsOrigins.includes(origin)
  }
  catch {
    return false
  }
}

async function authenticate(request: UpgradeRequest): Promise<AuthUser | null> {
  const explicit = new URL(request.url).searchParams.get('token')
  if (explicit) {
    const user = await verifyToken(explicit)
    if (!user) throw new Response('invalid or expired token', { status: 401 })
    return user
  }
  const cookie = parseCookies(request.headers.get('cookie') ?? '')[AUTH_COOKIE]
  // A stale cookie must not lock a viewer out: it only makes them anonymous.
  return cookie ? await verifyToken(cookie) : null
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

export default defineWebSocketHandler({
  async upgrade(request) {
    if (!originAllowed(request)) throw new Response('origin not allowed', { status: 403 })
    await useHub()
    ;(request as unknown as { context: Record<string, unknown> }).context.user = await authenticate(request)
  },

  async open(peer) {
    const hub = await useHub()
    const raw = rawSocket(peer)
    const connection = openConnection({
      user: (peer.context.user as AuthUser | null) ?? null,
      send: text => peer.send(text),
      close: (code, reason) => peer.close(code, reason),
      sendFrames: frameWriter(raw),
    })
    const state: PeerState = { connection, alive: true, raw }
    state.raw?.on('pong', () => {
      state.alive = true
    })
    peers.set(peer.id, state)
    hub.connect(connection)
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
    ;(await useHub()).disconnect(state.connection)
  },

  error(peer, error) {
    console.warn(`[ws] socket ${peer.id}: ${error.message}`)
  },
})
