// How video reaches viewers (NUXT_MEDIA_MODE): the core talks to one MediaBackend, whichever
// carries the media: the relay in a worker of this process, Janus, or nobody (p2p).
import type { RtpTarget, ShowCodecs } from './common/rtp-out'

export type MediaMode = 'relay' | 'janus' | 'p2p'
export type SessionKind = 'publisher' | 'viewer'

/** What a show's media is doing on this process (GET .../media, /metrics). */
export interface ShowStatus {
  publishing: boolean
  viewers: number
  /** The viewers the show can have on this process now, as measured (relay mode); the configured ceiling otherwise. */
  max?: number
  layers: { source: string, bitrate: number, width?: number, height?: number }[]
}

/** A session whose ICE and DTLS have not connected by then never will: it is closed and its ports freed. */
export const CONNECT_WITHIN_MS = 20_000

/** What a backend tells: the host's media started or stopped flowing; a session ended (its admission places are free). */
export type MediaEvent
  = | { type: 'media_state', livestreamId: string, publishing: boolean }
    | { type: 'session_ended', livestreamId: string, kind: SessionKind, sessionId: string }

/** A refusal of the media backend, in the core's words (mapped to DomainError by server/domain/media.ts). */
export class MediaError extends Error {
  static readonly CODES = ['invalid', 'not_found', 'conflict', 'unavailable'] as const
  constructor(readonly code: typeof MediaError.CODES[number], message: string) {
    super(message)
  }
}

/** Why an offer the media engine refused is refused, in the offer's terms (never the engine's own words). */
export const UNUSABLE_OFFER = 'the SDP offer could not be used: its media sections, codecs or ICE and DTLS attributes are not ones this server can answer'

/** A Janus edge (NUXT_JANUS_EDGES), as the metrics report it. */
export interface EdgeStatus {
  url: string
  up: boolean
  /** This process's viewers on it. */
  viewers: number
  /** Every process's viewers on it, as it last reported them. */
  reported: number
}

export interface MediaBackend {
  readonly mode: MediaMode
  /** Viewers one show may have on this process (NUXT_MEDIA_MAX_VIEWERS); 0 when the server carries no media. */
  readonly maxViewers: number
  /** A publisher's SDP offer (WHIP): its answer and the session it opened. */
  publish(livestreamId: string, sdp: string): Promise<{ sessionId: string, sdp: string }>
  /** A viewer's SDP offer (WHEP). */
  play(livestreamId: string, sdp: string): Promise<{ sessionId: string, sdp: string }>
  /** Trickle ICE, or an ICE restart (then the server's fragment is answered). */
  patch(livestreamId: string, kind: SessionKind, sessionId: string, fragment: string): Promise<string | undefined>
  end(livestreamId: string, kind: SessionKind, sessionId: string): Promise<void>
  /** The show went live (record into `dir` from chunk `firstSeq`), or stopped being live (null). */
  setLive(livestreamId: string, recording: { dir: string, firstSeq: number } | null): Promise<void>
  /** The show ended: every session closes; the recording's last chunk is on disk when this resolves. */
  stopShow(livestreamId: string): Promise<void>
  /**
   * The show's media as plain RTP to local ports (a restreamer's ffmpeg), or stop (null); answers
   * the publisher's codecs, or null when this process has no media of the show to send.
   */
  forwardRtp(livestreamId: string, target: RtpTarget | null): Promise<ShowCodecs | null>
  status(livestreamId: string): Promise<ShowStatus>
  stats(): Promise<Record<string, ShowStatus>>
  /** The edges viewers are spread over (janus mode with NUXT_JANUS_EDGES); none otherwise. */
  edges(): Promise<EdgeStatus[]>
  onEvent(listener: (event: MediaEvent) => void): void
  ping(): Promise<void>
  close(): Promise<void>
}

/** p2p: the studio's browser sends to each viewer itself; the server carries no media. */
export function p2pBackend(): MediaBackend {
  const none = async (): Promise<never> => {
    throw new MediaError('not_found', 'this server carries no media (NUXT_MEDIA_MODE=p2p): the studio sends it to each viewer')
  }
  return {
    mode: 'p2p',
    maxViewers: 0,
    publish: none,
    play: none,
    patch: none,
    end: none,
    async setLive() {},
    async stopShow() {},
    async forwardRtp() {
      return null
    },
    async status() {
      return { publishing: false, viewers: 0, layers: [] }
    },
    async stats() {
      return {}
    },
    async edges() {
      return []
    },
    onEvent() {},
    async ping() {},
    async close() {},
  }
}
