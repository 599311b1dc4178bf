import type { Quality } from '#shared/types/models'
import type { LiveSocket } from '../useLiveSocket'
import type { Recorder } from '../useRecorder'
import type { HostVideoState } from '../../stores/host-video'
import type { VideoPicture } from '../../stores/video'
import type { EarlyP2p } from '../../utils/early-p2p'

/**
 * The customer's video, whatever carries it (the studio's own connection in p2p, WHEP from the
 * server in relay and janus modes): picked once from the show's `media` answer
 * (viewer-video.ts). It fills the `picture`; the live page and the embed only open and close it.
 */
export interface ViewerVideo {
  /**
   * Follows the room; `live`: the page already knows the show is live (a server-carried show starts
   * at once); `early`: the connection the page's inline script made (p2p; utils/early-p2p.ts), to
   * take over rather than ask again.
   */
  open(options: { live: boolean, early?: EarlyP2p }): void
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

/**
 * The host's video, whatever carries it (WHIP to the server, which records, in relay and janus
 * modes; a connection per customer and the browser's recorder in p2p): picked once from the
 * show's `media` answer (host-video.ts). It fills the console's `state`.
 */
export interface HostVideo {
  /** Relay and janus: the server carries and records the show (an encoder such as OBS may send it instead of this tab). */
  readonly carriedByServer: boolean
  /** This tab's recorder (p2p); null where the server records. */
  readonly recorder: Recorder | null
  /** Follows the room (p2p: customers ask for video through it). */
  open(): void
  /** The console's socket (re)opened and registered. */
  socketOpened(): void
  /** Back after the socket dropped, the server says none of our media arrives (it restarted): send anew now. */
  serverLostMedia(): void
  /** Sends the camera from this tab: the show goes live, or resumes, on it. */
  start(stream: MediaStream, quality: Quality): Promise<void>
  /** Another camera, microphone or size: the tracks are swapped, no renegotiation. */
  setMedia(stream: MediaStream, quality: Quality): void
  setQuality(quality: Quality): void
  /** Stops sending (and recording) from this tab; the show itself stays live. */
  stop(): Promise<void>
  /** What the server already holds of this tab's recording (p2p: a crashed tab's parts); null where the server records. */
  recordingKept(): Promise<RecordingStatus | null>
  /** After the show ended: saves the replay where this tab recorded it (p2p); answers its address, or null. */
  saveReplay(): Promise<string | null>
  /** What the browser sends now (the e2e tests read the upload's bitrate). */
  stats(): Promise<RTCStatsReport | null>
  close(): void
}

export interface HostVideoOptions {
  socket: LiveSocket
  iceServers: RTCIceServer[]
  livestreamId: string
  state: HostVideoState
}

/** What the server holds of a show's recording (GET .../recording). */
export interface RecordingStatus { chunks: number, bytes: number, nextSeq: number, missing: { from: number, to: number }[], videoUrl: string | null }
