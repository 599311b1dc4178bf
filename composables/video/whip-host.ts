import type { Quality } from '#shared/types/models'
import { simulcastLayers } from '#shared/utils/quality'
import { HttpSignaling, SignalingError } from '../../utils/http-signaling'
import { PeerLink } from '../../utils/peer-link'
import { Retry } from './retry'
import type { HostVideo, HostVideoOptions } from './types'

/** A connection left 'disconnected' this long is given up and made again (viewers keep theirs meanwhile). */
const DISCONNECTED_GRACE_MS = 3000

export interface WhipHostOptions extends Pick<HostVideoOptions, 'iceServers' | 'state'> {
  /** The show's WHIP endpoint. */
  url: string
}

/**
 * The host's side in relay and janus modes: the camera published once, with WHIP, in three
 * simulcast layers; the server forwards it to every viewer and records it. A connection that fails
 * (the host's network dropped, the server restarted) is replaced by a new WHIP session, and the
 * server carries the viewers over to it at its first key frame: nobody else renegotiates.
 */
export function createWhipHost({ url, iceServers, state }: WhipHostOptions): HostVideo {
  let link: PeerLink | null = null
  let signaling: HttpSignaling | null = null
  let media: MediaStream | null = null
  let quality: Quality = '720p'
  // A publisher comes back quicker than a viewer: its viewers are waiting on it.
  const retry = new Retry(500, 8000)

  async function connect() {
    retry.cancel()
    closeSession()
    if (!media) return
    if (state.publisherState !== 'reconnecting') state.publisherState = 'connecting'
    const made: PeerLink = new PeerLink({
      iceServers,
      // A failed connection is not restarted but made again: the server takes a new session at once.
      maxRestarts: 0,
      disconnectedGraceMs: DISCONNECTED_GRACE_MS,
      onCandidate: candidate => signaling?.trickle(candidate),
      onPhase: (phase) => {
        if (link !== made || phase !== 'connected') return
        state.publisherState = 'publishing'
        state.publisherProblem = null
        retry.reset()
      },
      onGiveUp: () => link === made && reconnect(),
    })
    link = made
    made.addSimulcast(media, simulcastLayers(quality))
    signaling = new HttpSignaling(url, made)
    try {
      await signaling.start()
    }
    catch (error) {
      if (link !== made) return
      state.publisherProblem = error instanceof SignalingError && error.status === 409
        ? 'Another encoder (OBS?) is sending this show. Stop it, or wait: this tab takes over when it stops.'
        : `Could not reach the media server: ${(error as Error).message}`
      reconnect(error instanceof SignalingError ? error.retryAfterSeconds : undefined)
    }
  }

  function reconnect(afterSeconds?: number) {
    if (!media) return
    // The dead session is ended now, so the server frees the show for the next one at once.
    closeSession()
    state.publisherState = 'reconnecting'
    if (afterSeconds) retry.after(afterSeconds * 1000, () => void connect())
    else retry.afterFailure(() => void connect())
  }

  function closeSession() {
    signaling?.close()
    signaling = null
    link?.close()
    link = null
  }

  function stop() {
    retry.cancel()
    media = null
    closeSession()
    state.publisherState = 'idle'
  }

  return {
    carriedByServer: true,
    recorder: null,
    open: () => {},
    socketOpened: () => {},
    // Our media no longer arrives while this side thinks it publishes: a new session now, not once ICE notices seconds later.
    serverLostMedia: () => state.publisherState === 'publishing' && reconnect(),
    start(stream, next) {
      media = stream
      quality = next
      retry.reset()
      void connect()
      return Promise.resolve()
    },
    setMedia(stream) {
      media = stream
      link?.replaceTracks(stream)
    },
    setQuality(next) {
      quality = next
      void link?.capLayers(simulcastLayers(next))
    },
    stop: () => Promise.resolve(stop()),
    recordingKept: () => Promise.resolve(null),
    saveReplay: () => Promise.resolve(null),
    stats: () => link?.stats() ?? Promise.resolve(null),
    close: stop,
  }
}
