import type { VideoPicture } from '../../stores/video'
import { PeerLink } from '../../utils/peer-link'
import { Retry } from './retry'

/** A connection that stays 'disconnected' this long is given up and asked for again. */
const DISCONNECTED_GRACE_MS = 5000

export interface ViewerLinkOptions {
  picture: VideoPicture
  iceServers: RTCIceServer[]
  /** Asks for video again: a connection gave up, or a try failed, and the backoff is over. */
  again: () => void
  /** The connection is up and its media plays. */
  onPlaying?: (link: PeerLink) => void
  /** A connection gave up: what the viewer forgets before it asks again. */
  onGiveUp?: () => void
  /** A connection is let go: what goes with it (its signaling, the studio it came from). */
  onClose?: () => void
}

/**
 * The one connection a customer's viewer holds, and what every kind of viewer does around it: its
 * media is the picture, coming up means 'playing' and a fresh backoff, and a connection that gives
 * up (failed, or disconnected too long; the viewer never restarts ICE itself) is let go and asked
 * for again after the backoff, while video is wanted.
 */
export class ViewerLink {
  current: PeerLink | null = null
  readonly retry = new Retry()

  constructor(private readonly options: ViewerLinkOptions) {}

  /** Video is wanted: the show is live and this page has not let it go. */
  wanted() {
    return this.options.picture.state !== 'off'
  }

  /** A new connection in place of the current one; `connection`: one made before the app (early WHEP). */
  open(signaling: { onCandidate: (candidate: RTCIceCandidateInit | null) => void, connection?: RTCPeerConnection }): PeerLink {
    this.close()
    const { picture } = this.options
    const made: PeerLink = new PeerLink({
      iceServers: this.options.iceServers,
      connection: signaling.connection,
      maxRestarts: 0,
      disconnectedGraceMs: DISCONNECTED_GRACE_MS,
      // Not checked against `current`: a connection taken over hands its tracks over while it is made.
      onTrack: (media) => {
        picture.stream = media
      },
      onCandidate: signaling.onCandidate,
      onPhase: (phase) => {
        if (this.current !== made || phase !== 'connected') return
        picture.state = 'playing'
        this.retry.reset()
        this.options.onPlaying?.(made)
      },
      onGiveUp: () => {
        if (this.current !== made) return
        this.close()
        this.options.onGiveUp?.()
        this.failed()
      },
    })
    this.current = made
    return made
  }

  /** A try failed: another after the backoff, while video is wanted. */
  failed() {
    if (!this.wanted()) return
    this.options.picture.state = 'connecting'
    this.retry.afterFailure(this.options.again)
  }

  close() {
    this.options.onClose?.()
    this.current?.close()
    this.current = null
    this.options.picture.stream = null
  }
}
