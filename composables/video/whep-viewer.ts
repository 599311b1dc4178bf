import { earlyWhepAge, takeEarlyWhep } from '../../utils/early-whep'
import { HttpSignaling, SignalingError } from '../../utils/http-signaling'
import { UNANSWERED_CHECKS_MS, whenUnreachable } from '../../utils/ice-reachability'
import { viewerSessionId } from '../../utils/viewer-session'
import { mediaArrives, watchStalls } from './media-flow'
import type { ViewerVideo, ViewerVideoOptions } from './types'
import { ViewerLink } from './viewer-link'

/** Nothing published yet: asked again this often, and at once when the room hears media flows. */
const NOT_PUBLISHED_RETRY_MS = 3000
/** How long after the server says media flows this connection must have received some. */
const FLOW_CHECK_MS = 2500
/** WebRTC not playing this long after the show is wanted: the page plays HLS (where there is one) meanwhile. */
const HLS_AFTER_MS = 2500
/**
 * A playing connection that receives nothing this long asks the server whether its session is
 * still there (HttpSignaling.stillThere); a session the server dropped (its Janus edge died, the
 * relay restarted) is given up at once and a new one opened, which lands on a server that is up,
 * rather than when ICE notices seconds later. A host who stopped sending leaves the session in
 * place: the page waits for the room's media_state.
 */
const STALLED_MS = 1000
const STALL_CHECK_MS = 250

export interface WhepViewerOptions extends ViewerVideoOptions {
  /** The show's WHEP endpoint. */
  url: string
  /** Its HLS playlist, where the server packages one. */
  hlsUrl?: string
}

/**
 * The customer's side in relay and janus modes: the show played with WHEP, one connection to the
 * server whatever the audience. While the host reconnects the connection stays and the last frame
 * with it (the room says so with media_state); a full show is asked again after its Retry-After;
 * a connection that fails is made again, with backoff. Where the server packages HLS, a page that
 * WebRTC cannot serve (full, a network its checks cannot cross, or no connection within
 * HLS_AFTER_MS) plays that meanwhile, and goes back to WebRTC when a connection comes up.
 */
export function createWhepViewer(options: WhepViewerOptions): ViewerVideo {
  const { socket, picture, url, hlsUrl: hlsSource } = options
  let signaling: HttpSignaling | null = null
  let hlsTimer: ReturnType<typeof setTimeout> | undefined
  let endStallWatch = () => {}
  let unsubscribe: Array<() => void> = []
  const links = new ViewerLink({
    picture,
    iceServers: options.iceServers,
    again: () => void connect(),
    onPlaying: (made) => {
      clearTimeout(hlsTimer)
      picture.hlsUrl = null
      endStallWatch = watchStalls(made, {
        stalledMs: STALLED_MS,
        everyMs: STALL_CHECK_MS,
        // Only while playing: a host who stopped (the room said so) is not a stall.
        expected: () => picture.state === 'playing',
        onStall: async () => {
          const asked = signaling
          if (!asked || await asked.stillThere() || links.current !== made) return links.current === made
          void connect()
          return false
        },
      })
    },
    onClose: () => {
      endStallWatch()
      signaling?.close()
      signaling = null
    },
  })

  function open({ live }: { live: boolean }) {
    close()
    // A closed tab ends its session at once (a keepalive DELETE), rather than leaving the relay
    // sending to it until ICE notices (seen: 10-16 sessions held for 3 customers in the benchmark).
    const leave = () => signaling?.close()
    window.addEventListener('pagehide', leave)
    unsubscribe = [
      () => window.removeEventListener('pagehide', leave),
      socket.on('stream_started', () => start()),
      // The show ended: the server has closed every session already, so none is DELETEd.
      socket.on('stream_stopped', () => stop({ endedByServer: true })),
      socket.on('media_state', (message) => {
        if (!links.wanted()) return
        // The host's media stopped: keep the connection (and the last frame), say so.
        if (!message.publishing && picture.state === 'playing') picture.state = 'reconnecting'
        if (message.publishing) {
          const link = links.current
          if (picture.state === 'reconnecting' && link?.phase === 'connected') picture.state = 'playing'
          if (!link) links.retry.after(0, () => void connect())
          // A connection still being made is looked after by connect() itself.
          else if (link.phase === 'connected') void checkFlowing()
        }
      }),
    ]
    // The server carries the video: a show the page knows is live starts now, beside the socket's
    // connect and register rather than after them ('registered' then finds it started).
    if (live) start()
  }

  function close() {
    unsubscribe.forEach(stop => stop())
    unsubscribe = []
    stop()
  }

  function start() {
    if (picture.state !== 'off') return
    picture.state = 'connecting'
    links.retry.reset()
    clearTimeout(hlsTimer)
    // Counted from when the page's early session started: the app may have loaded a while after it.
    hlsTimer = setTimeout(toHls, Math.max(0, HLS_AFTER_MS - earlyWhepAge(url)))
    void connect()
  }

  /** WebRTC cannot serve this page now: HLS, named by this viewer's session (the server counts its players). */
  function toHls() {
    if (!hlsSource || picture.hlsUrl || !['connecting', 'full'].includes(picture.state)) return
    picture.hlsUrl = `${hlsSource}?v=${encodeURIComponent(viewerSessionId())}`
  }

  function stop(how: { endedByServer?: boolean } = {}) {
    clearTimeout(hlsTimer)
    picture.hlsUrl = null
    links.retry.cancel()
    if (how.endedByServer) signaling?.forget()
    links.close()
    picture.state = 'off'
  }

  /**
   * The server says media flows: if none reaches this connection (the server restarted and its
   * sessions went with it, while ICE has not noticed yet), a new session now, not once the
   * connection gives up seconds later.
   */
  async function checkFlowing() {
    const made = links.current!
    const flowing = await mediaArrives(made, FLOW_CHECK_MS)
    if (links.current === made && links.wanted() && !flowing) void connect()
  }

  async function connect() {
    links.retry.cancel()
    links.close()
    if (!links.wanted()) return
    // The session the page's inline script opened before the app loaded, the first time only.
    const early = takeEarlyWhep(url)
    const made = links.open({ connection: early?.pc, onCandidate: candidate => signaling?.trickle(candidate) })
    signaling = new HttpSignaling(url, made)
    // UDP blocked, say: HLS now rather than at HLS_AFTER_MS; this connection keeps trying meanwhile.
    void (early?.unreachable ?? whenUnreachable(made.connection, UNANSWERED_CHECKS_MS)).then(() => links.current === made && toHls())
    try {
      if (early) await signaling.adopt(await early.answered)
      else {
        made.receiveOnly()
        await signaling.start()
      }
    }
    catch (error) {
      if (links.current !== made) return
      links.close()
      if (!links.wanted()) return
      if (error instanceof SignalingError && error.status === 503) {
        picture.state = 'full'
        toHls()
        links.retry.after((error.retryAfterSeconds ?? 5) * 1000, () => void connect())
      }
      else if (error instanceof SignalingError && error.status === 404) {
        // Live, but nothing published yet (the host's camera or encoder is still on its way).
        picture.state = 'waiting'
        links.retry.after(NOT_PUBLISHED_RETRY_MS, () => void connect())
      }
      else links.failed()
    }
  }

  return { open, start, close }
}
