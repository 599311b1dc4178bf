import type { Counters } from '#shared/schemas/socket'

/** How often at most a room hears about its counters. */
export const COUNTER_INTERVAL_MS = 250

/**
 * Keeps the latest counters of each room and hands them on at most every COUNTER_INTERVAL_MS,
 * so a storm of likes costs a room a few `stream_update` frames a second, not one per like. The
 * first change after a quiet spell goes out at once.
 */
export class CounterCoalescer {
  private readonly latest = new Map<string, Counters>()
  private readonly timers = new Map<string, NodeJS.Timeout>()

  constructor(private readonly emit: (counters: Counters) => void, private readonly intervalMs = COUNTER_INTERVAL_MS) {}

  note(counters: Counters) {
    const room = counters.livestreamId
    if (this.timers.has(room)) {
      this.latest.set(room, counters)
      return
    }
    this.emit(counters)
    this.timers.set(room, this.quietTimer(room))
  }

  private quietTimer(room: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const pending = this.latest.get(room)
      this.latest.delete(room)
      if (pending) {
        this.emit(pending)
        this.timers.set(room, this.quietTimer(room))
      }
      else {
        this.timers.delete(room)
      }
    }, this.intervalMs)
    timer.unref()
    return timer
  }

  /** Sends whatever is waiting now (at shutdown). */
  flush() {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    for (const counters of this.latest.values()) this.emit(counters)
    this.latest.clear()
  }
}
