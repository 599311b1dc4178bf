import { getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue'
import type { ClientMessage, ServerMessage, ServerMessageOf } from '#shared/schemas/socket'
import { backoffDelay } from '#shared/utils/backoff'
import { currentEmbedToken } from '../utils/embed-auth'

export type SocketStatus = 'connecting' | 'open' | 'closed'
type Handler = (message: ServerMessage) => void

// The server pings at the protocol level, but a browser cannot see those: this app-level ping is
// how a tab notices a connection that died without a close (a laptop lid, a lost Wi-Fi).
const PING_EVERY_MS = 15_000
const SILENT_FOR_MS = 35_000

/**
 * The typed socket of PROTOCOL.md: connects to `/_ws` on this host (the auth cookie goes along),
 * reconnects with backoff for as long as it is wanted, and tells `onOpen` listeners each time it is
 * back so they can register again. Frames are sent only while open: signaling that waited in a
 * queue would be stale by the time it left.
 */
export function useLiveSocket(url: string | (() => string | Promise<string>) = defaultUrl, options: { immediate?: boolean } = {}) {
  const status = ref<SocketStatus>('connecting')
  const reconnects = ref(0)
  const socket = shallowRef<WebSocket | null>(null)
  const handlers = new Map<string, Set<Handler>>()
  const openHandlers = new Set<() => void>()
  let attempt = 0
  let wanted = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let lastHeard = Date.now()

  /** Bumped by each connect: an address that arrives after a newer connect (or a close) is dropped. */
  let generation = 0

  async function connect() {
    clearTimeout(retryTimer)
    status.value = 'connecting'
    const mine = ++generation
    let target: string
    try {
      // Read at each connect: the embedded player's ticket is new each time, and its session changes when a guest joins.
      const given = typeof url === 'function' ? url() : url
      target = typeof given === 'string' ? given : await given
    }
    catch {
      if (mine === generation && wanted) {
        status.value = 'closed'
        retryTimer = setTimeout(connect, backoffDelay(attempt++))
      }
      return
    }
    if (mine !== generation || !wanted) return
    const ws = new WebSocket(target)
    ws.onopen = () => {
      if (attempt > 0) reconnects.value++
      attempt = 0
      lastHeard = Date.now()
      status.value = 'open'
      for (const handler of openHandlers) handler()
    }
    follow(ws)
  }

  function dispatch(message: ServerMessage) {
    for (const handler of handlers.get(message.type) ?? []) handler(message)
    for (const handler of handlers.get('*') ?? []) handler(message)
  }

  /** `ws` is the socket now: its frames go to the handlers, and its close to a reconnect while wanted. */
  function follow(ws: WebSocket) {
    socket.value = ws
    ws.onmessage = (event) => {
      lastHeard = Date.now()
      let message: ServerMessage
      try {
        message = JSON.parse(String(event.data))
      }
      catch {
        return
      }
      dispatch(message)
    }
    ws.onclose = () => {
      if (socket.value !== ws) return
      socket.value = null
      status.value = 'closed'
      if (wanted) retryTimer = setTimeout(connect, backoffDelay(attempt++))
    }
  }

  function send(message: ClientMessage): boolean {
    const ws = socket.value
    if (!ws || ws.readyState !== WebSocket.OPEN) return false
    ws.send(JSON.stringify(message))
    return true
  }

  function on<T extends ServerMessage['type']>(type: T | '*', handler: (message: ServerMessageOf<T>) => void) {
    const set = handlers.get(type) ?? new Set()
    handlers.set(type, set)
    set.add(handler as Handler)
    return () => set.delete(handler as Handler)
  }

  /** Runs now if open, and again after every reconnect. */
  function onOpen(handler: () => void) {
    openHandlers.add(handler)
    if (status.value === 'open') handler()
    return () => openHandlers.delete(handler)
  }

  function checkAlive() {
    if (status.value !== 'open') return
    if (Date.now() - lastHeard > SILENT_FOR_MS) socket.value?.close()
    else send({ type: 'ping' })
  }

  /** Back online or back in view: try at once rather than waiting out the backoff. */
  function retryNow() {
    if (wanted && status.value === 'closed') void connect()
    else checkAlive()
  }

  /** Reconnects now: after signing in, so the server sees the new session cookie at upgrade. */
  function reconnect() {
    const old = socket.value
    socket.value = null
    old?.close(1000)
    attempt = 0
    if (wanted) void connect()
  }

  let pingTimer: ReturnType<typeof setInterval> | undefined

  /** Connects, and keeps reconnecting until `close`. */
  function open() {
    if (wanted) return
    wanted = true
    void connect()
    keepAlive()
  }

  /**
   * Takes over a socket the page opened before the app (utils/early-p2p.ts), open and already
   * registered: the `onOpen` listeners run only from its first reconnect on, and what it heard
   * before reaches the handlers now, in order. Then as `open`.
   */
  function adopt(ws: WebSocket, heard: ServerMessage[]) {
    if (wanted) return
    wanted = true
    generation++
    lastHeard = Date.now()
    status.value = 'open'
    follow(ws)
    keepAlive()
    for (const message of heard) dispatch(message)
  }

  function keepAlive() {
    pingTimer = setInterval(checkAlive, PING_EVERY_MS)
    window.addEventListener('online', retryNow)
    document.addEventListener('visibilitychange', retryNow)
  }

  function close() {
    wanted = false
    generation++
    clearTimeout(retryTimer)
    clearInterval(pingTimer)
    window.removeEventListener('online', retryNow)
    document.removeEventListener('visibilitychange', retryNow)
    socket.value?.close(1000)
    socket.value = null
    status.value = 'closed'
  }

  // Listeners can be added before the first connection: the sessions open it once they are wired.
  if (options.immediate ?? true) open()
  if (getCurrentScope()) onScopeDispose(close)

  return { status, reconnects, send, on, onOpen, open, adopt, reconnect, close }
}

export type LiveSocket = ReturnType<typeof useLiveSocket>

/**
 * `/_ws` on this host. The embedded player (no cookie reaches a third-party frame) signs its socket
 * in with a one-use ticket fetched for each connect, never with its session token: a URL is what
 * proxies write in their logs.
 */
function defaultUrl(): string | Promise<string> {
  const base = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/_ws`
  const token = currentEmbedToken()
  if (!token) return base
  return $fetch<{ ticket: string }>('/api/auth/socket-ticket', { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    .then(({ ticket }) => `${base}?ticket=${encodeURIComponent(ticket)}`)
}
