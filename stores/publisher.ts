import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Quality } from '#shared/types/models'
import { backoffDelay } from '#shared/utils/backoff'
import { simulcastLayers } from '#shared/utils/quality'
import { HttpSignaling, SignalingError } from '../utils/http-signaling'
import { PeerLink } from '../utils/peer-link'

/**
 * - idle: not publishing from this tab
 * - connecting: the WHIP offer is on its way, or ICE is checking
 * - publishing: the relay takes this tab's camera
 * - reconnecting: the connection dropped; a new session is made by itself, with backoff
 */
export type PublisherState = 'idle' | 'connecting' | 'publishing' | 'reconnecting'

/** A connection left 'disconnected' this long is given up and made again (viewers keep theirs meanwhile). */
const DISCONNECTED_GRACE_MS = 3000

/**
 * The host's side in relay and janus modes: the camera published once, with WHIP, in three
 * simulcast layers; the relay forwards it to every viewer. A connection that fails (the host's
 * network dropped, the server restarted) is replaced by a new WHIP session, and the relay carries
 * the viewers over to it at its first key frame: nobody else renegotiates.
 */
export const usePublisherStore = defineStore('publisher', () => {
  const state = ref<PublisherState>('idle')
  const problem = ref<string | null>(null)
  let link: PeerLink | null = null
  let signaling: HttpSignaling | null = null
  let media: MediaStream | null = null
  let options: { url: string, iceServers: RTCIceServer[], quality: Quality } | null = null
  let failures = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined

  /** Publishes `stream` to the WHIP `url`, and keeps it published until `stop`. */
  function start(stream: MediaStream, next: { url: string, iceServers: RTCIceServer[], quality: Quality }) {
    media = stream
    options = next
    failures = 0
    void connect()
  }

  async function connect() {
    clearTimeout(retryTimer)
    closeSession()
    if (!media || !options) return
    if (state.value !== 'reconnecting') state.value = 'connecting'
    const made: PeerLink = new PeerLink({
      iceServers: options.iceServers,
      // A failed connection is not restarted but made again: the relay takes a new session at once.
      maxRestarts: 0,
      disconnectedGraceMs: DISCONNECTED_GRACE_MS,
      onCandidate: candidate => signaling?.trickle(candidate),
      onPhase: (phase) => {
        if (link !== made || phase !== 'connected') return
        state.value = 'publishing'
        problem.value = null
        failures = 0
      },
      onGiveUp: () => link === made && reconnect(),
    })
    link = made
    made.addSimulcast(media, simulcastLayers(options.quality))
    signaling = new HttpSignaling(options.url, made)
    try {
      await signaling.start()
    }
    catch (error) {
      if (link !== made) return
      problem.value = error instanceof SignalingError && error.status === 409
        ? 'Another encoder (OBS?) is sending this show. Stop it, or wait: this tab takes over when it stops.'
        : `Could not reach the media server: ${(error as Error).message}`
      reconnect(error instanceof SignalingError ? error.retryAfterSeconds : undefined)
    }
  }

  function reconnect(afterSeconds?: number) {
    if (!media || !options) return
    // The dead session is ended now, so the server frees the show for the next one at once.
    closeSession()
    state.value = 'reconnecting'
    retryTimer = setTimeout(() => void connect(), afterSeconds ? afterSeconds * 1000 : backoffDelay(failures++, 500, 8000))
  }

  /**
   * The server says no media of ours arrives while this side thinks it publishes (it restarted,
   * and the session went with it): a new session now, not once ICE notices seconds later.
   */
  function renew() {
    if (state.value !== 'publishing') return
    reconnect()
  }

  /** Another camera or size: the tracks are swapped in the connection, no renegotiation. */
  function setMedia(stream: MediaStream | null) {
    media = stream
    if (stream) link?.replaceTracks(stream)
  }

  function setQuality(quality: Quality) {
    if (!options) return
    options = { ...options, quality }
    void link?.capLayers(simulcastLayers(quality))
  }

  /** What the browser sends now (the e2e tests read its outbound bitrate). */
  function stats() {
    return link?.stats() ?? Promise.resolve(null)
  }

  function closeSession() {
    signaling?.close()
    signaling = null
    link?.close()
    link = null
  }

  function stop() {
    clearTimeout(retryTimer)
    media = null
    options = null
    closeSession()
    state.value = 'idle'
  }

  return { state, problem, start, stop, renew, setMedia, setQuality, stats }
})
