export interface ClockPublisher {
  /** When its media source started: the clock's time 0. */
  startedAt: number
  stop(): void
}
export function startClockPublisher(whipUrl: string, token: string, options?: { videoKbps?: number, width?: number, height?: number }): Promise<ClockPublisher>
