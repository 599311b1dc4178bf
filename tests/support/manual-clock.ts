// A clock for unit tests of the core and the hub: time moves only when the test says so.
import type { Clock, Timer } from '../../server/utils/clock'

/** A clock that moves only when told to: `advance(ms)` runs every timer that falls due, in order. */
export function manualClock(start = Date.parse('2030-01-01T00:00:00.000Z')) {
  let time = start
  let order = 0
  const timers = new Set<{ due: number, order: number, run: () => void }>()
  const clock = {
    now: () => time,
    after(ms: number, run: () => void): Timer {
      const timer = { due: time + Math.max(0, ms), order: order++, run }
      timers.add(timer)
      return { cancel: () => timers.delete(timer) }
    },
    /** Moves time on by `ms`, running due timers (and those they set) at their own times. */
    advance(ms: number) {
      const until = time + ms
      for (;;) {
        const next = [...timers].filter(timer => timer.due <= until).sort((a, b) => a.due - b.due || a.order - b.order)[0]
        if (!next) break
        timers.delete(next)
        time = next.due
        next.run()
      }
      time = until
    },
    pending: () => timers.size,
    start,
  }
  return clock satisfies Clock
}

export type ManualClock = ReturnType<typeof manualClock>
