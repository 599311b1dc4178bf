// Time, as a part the core is built from: the server runs on the system clock, and tests on a clock
// they move by hand, so throttles, limits and samples are tested in microseconds, not by waiting.

export interface Timer { cancel(): void }

export interface Clock {
  now(): number
  /** Runs `run` once after `ms`; the timer never keeps the process alive by itself. */
  after(ms: number, run: () => void): Timer
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, run) {
    const timer = setTimeout(run, ms)
    timer.unref?.()
    return { cancel: () => clearTimeout(timer) }
  },
}

/**
 * One timer per key, each due at a moment (an ISO time): set again replaces, run once at most.
 * What ends deals and polls by themselves keeps its timers here.
 */
export function timersAt(clock: Clock) {
  const timers = new Map<string, Timer>()
  const cancel = (key: string) => {
    timers.get(key)?.cancel()
    timers.delete(key)
  }
  return {
    at(key: string, iso: string, run: () => void) {
      cancel(key)
      timers.set(key, clock.after(Math.max(0, Date.parse(iso) - clock.now()), () => {
        timers.delete(key)
        run()
      }))
    },
    cancel,
    clear() {
      for (const timer of timers.values()) timer.cancel()
      timers.clear()
    },
  }
}
