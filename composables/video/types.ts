import type { LiveSocket } from '../useLiveSocket'
import type { VideoPicture } from '../../stores/video'

/**
 * The customer's video, whatever carries it (the studio's own connection in p2p, WHEP from the
 * server in relay and janus modes): picked once from the show's `media` answer
 * (viewer-video.ts). It fills the `picture`; the live page and the embed only open and close it.
 */
export interface ViewerVideo {
  /** Follows the room; `live`: the page already knows the show is live (a server-carried show starts at once). */
  open(options: { live: boolean }): void
  /** The show is live (the room said so): get video. */
  start(): void
  /** The page is left: the room is no longer followed, and the connection is let go. */
  close(): void
}

export interface ViewerVideoOptions {
  socket: LiveSocket
  iceServers: RTCIceServer[]
  picture: VideoPicture
}
