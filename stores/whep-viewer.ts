import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { backoffDelay } from '#shared/utils/backoff'
import type { LiveSocket } from '../composables/useLiveSocket'
import { HttpSignaling, SignalingError } from '../utils/http-signaling'
import { takeEarlyWhep } from '../utils/early-whep'
import { PeerLink } from '../utils/peer-link'
import { viewerSessionId } from '../utils/viewer-session'
import type { VideoState } from './viewer'

/** A connection left 'disconnected' this long is given up and made again. */
const DISCONNECTED_GRACE_MS = 5000
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

/**
 * The customer's side in relay and janus modes: the show played with WHEP, one connection to the
 * server whatever the audience. While the host reconnects the connection stays and the last frame
 * with it (the room says so with media_state); a full show is asked again after its Retry-After;
 * a connection that fails is made again, with backoff. Where the server packages HLS, a page that
 * WebRTC cannot serve (full, or no connection within HLS_AFTER_MS) plays that meanwhile (`hlsUrl`),
 * and goes back to WebRTC when a connection comes up.
 */
export const useWhepViewerStore = defineStore('whep-viewer', () => {
  const stream = shallowRef<MediaStream | null>(null)
  const state = ref<VideoState>('off')
  /** The HLS playlist the player shows while WebRTC cannot (null: WebRTC, or nothing). */
  const hlsUrl = ref<string | null>(null)
  let hlsSource: string | undefined
  let hlsTimer: ReturnType<typeof setTimeout> | undefined
  let stallTimer: ReturnType<typeof setInterval> | undefined
  let link: PeerLink | null = null
  let signaling: HttpSignaling | null = null
  let url = ''
  let iceServers: RTCIceServer[] = []
  let failures = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let unsubscribe: Array<() => void> = []

  const wanted = () => state.value !== 'off'

  function attach(options: { socket: LiveSocket, iceServers: RTCIceServer[], url: string, hlsUrl?: string }) {
    detach()
    ;({ iceServers, url, hlsUrl: hlsSource } = options)
    unsubscribe = [
      options.socket.on('stream_started', () => start()),
      // The show ended: the server has closed every session already, so none is DELETEd.
      options.socket.on('stream_stopped', () => stop({ endedByServer: true })),
      options.socket.on('media_state', (message) => {
        if (!wanted()) return
        // The host's media stopped: keep the connection (and the last frame), say so.
        if (!message.publishing && state.value === 'playing') state.value = 'reconnecting'
        if (message.publishing) {
          if (state.value === 'reconnecting' && link?.phase === 'connected') state.value = 'playing'
          if (!link) connectSoon(0)
          // A connection still being made is looked after by connect() itself.
          else if (link.phase === 'connected') void checkFlowing(link)
        }
      }),
    ]
    return detach
  }

  function detach() {
    unsubscribe.forEach(stop => stop())
    unsubscribe = []
    stop()
  }

  /** The show is live: get video. */
  function start() {
    if (state.value !== 'off') return
    state.value = 'connecting'
    failures = 0
    clearTimeout(hlsTimer)
    hlsTimer = setTimeout(toHls, HLS_AFTER_MS)
    void connect()
  }

  /** WebRTC cannot serve this page now: HLS, named by this viewer's session (the server counts its players). */
  function toHls() {
    if (!hlsSource || hlsUrl.value || !['connecting', 'full'].includes(state.value)) return
    hlsUrl.value = `${hlsSource}?v=${encodeURIComponent(viewerSessionId())}`
  }

  function stop(options: { endedByServer?: boolean } = {}) {
    clearTimeout(hlsTimer)
    hlsUrl.value = null
    clearTimeout(retryTimer)
    if (options.endedByServer) signaling?.forget()
    closeLink()
    state.value = 'off'
  }

  /**
   * Media bytes received so far on `made`, audio and video (audio resumes at once; video may wait
   * for its key frame). Null: nothing received yet.
   */
  async function receivedBytes(made: PeerLink) {
    const report = await made.stats().catch(() => null)
    let total: number | null = null
    for (const stat of report?.values() ?? []) if (stat.type === 'inbound-rtp') total = (total ?? 0) + (stat.bytesReceived as number)
    return total
  }

  /**
   * The server says media flows: if none reaches this connection (the server restarted and its
   * sessions went with it, while ICE has not noticed yet), a new session now, not once the
   * connection gives up seconds later.
   */
  async function checkFlowing(made: PeerLink) {
    const before = await receivedBytes(made)
    await new Promise(resolve => setTimeout(resolve, FLOW_CHECK_MS))
    if (link !== made || !wanted()) return
    const after = await receivedBytes(made)
    if (after === null || after <= (before ?? 0)) void connect()
  }

  /** Watches a playing connection for media that stops with its server gone (see STALLED_MS). */
  function watchStalls(made: PeerLink) {
    clearInterval(stallTimer)
    let last: number | null = null
    let lastGrewAt = Date.now()
    stallTimer = setInterval(async () => {
      if (link !== made) return clearInterval(stallTimer)
      const now = await receivedBytes(made)
      // Only while playing: a host who stopped (the room said so) is not a stall.
      if (now !== last || state.value !== 'playing') {
        last = now
        lastGrewAt = Date.now()
      }
      else if (Date.now() - lastGrewAt > STALLED_MS) {
        // Asked once per stall: the next question only after another STALLED_MS without media.
        lastGrewAt = Date.now()
        const asked = signaling
        if (asked && !await asked.stillThere() && link === made) {
          clearInterval(stallTimer)
          void connect()
        }
      }
    }, STALL_CHECK_MS)
  }

  function connectSoon(ms: number) {
    clearTimeout(retryTimer)
    retryTimer = setTimeout(() => void connect(), ms)
  }

  async function connect() {
    clearTimeout(retryTimer)
    closeLink()
    if (!wanted()) return
    // The session the page's inline script opened before the app loaded, the first time only.
    const early = takeEarlyWhep(url)
    const made: PeerLink = new PeerLink({
      iceServers,
      connection: early?.pc,
      maxRestarts: 0,
      disconnectedGraceMs: DISCONNECTED_GRACE_MS,
      onTrack: (media) => {
        stream.value = media
      },
      onCandidate: candidate => signaling?.trickle(candidate),
      onPhase: (phase) => {
        if (link !== made || phase !== 'connected') return
        state.value = 'playing'
        failures = 0
        clearTimeout(hlsTimer)
        hlsUrl.value = null
        watchStalls(made)
      },
      onGiveUp: () => {
        if (link !== made) return
        closeLink()
        if (wanted()) {
          state.value = 'connecting'
          connectSoon(backoffDelay(failures++, 1000, 15_000))
        }
      },
    })
    link = made
    signaling = new HttpSignaling(url, made)
    try {
      if (early) await signaling.adopt(await early.answered)
      else {
        made.receiveOnly()
        await signaling.start()
      }
    }
    catch (error) {
      if (link !== made) return
      closeLink()
      if (!wanted()) return
      if (error instanceof SignalingError && error.status === 503) {
        state.value = 'full'
        toHls()
        connectSoon((error.retryAfterSeconds ?? 5) * 1000)
      }
      else if (error instanceof SignalingError && error.status === 404) {
        // Live, but nothing published yet (the host's camera or encoder is still on its way).
        state.value = 'waiting'
        connectSoon(NOT_PUBLISHED_RETRY_MS)
      }
      else {
        state.value = 'connecting'
        connectSoon(backoffDelay(failures++, 1000, 15_000))
      }
    }
  }

  function closeLink() {
    clearInterval(stallTimer)
    signaling?.close()
    signaling = null
    link?.close()
    link = null
    stream.value = null
  }

  return { stream, state, hlsUrl, attach, detach, start, stop }
})
