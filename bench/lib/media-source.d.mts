export interface MediaSource {
  /** Called with each RTP packet ffmpeg sends, by kind. */
  onPacket(kind: 'video' | 'audio', handler: (packet: Buffer) => void): void
  stop(): void
  /** When ffmpeg was started: the stream's time 0 (the clock block's). */
  startedAt?: number
}
export const CLOCK_PERIOD_SECONDS: number
export function clockSecondsOf(red: number): number
export function ffmpegInstalled(): boolean
export function startMediaSource(options?: { videoKbps?: number, keyframeSeconds?: number, seconds?: number, width?: number, height?: number, clock?: boolean }): Promise<MediaSource>
