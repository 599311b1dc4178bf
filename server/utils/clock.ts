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
