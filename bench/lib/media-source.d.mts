export interface MediaSource {
  /** Called with each RTP packet ffmpeg sends, by kind. */
  onPacket(kind: 'video' | 'audio', handler: (packet: Buffer) => void): void
  stop(): void
}
export function ffmpegInstalled(): boolean
export function startMediaSource(options?: { videoKbps?: number, keyframeSeconds?: number, seconds?: number, width?: number, height?: number }): Promise<MediaSource>
