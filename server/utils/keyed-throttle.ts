import type { Clock, Timer } from './clock'

export interface KeyedThrottle<T> {
  /**
   * The latest value for `key`. It is handed on at once if `key` has been quiet for an interval
   * (or with `now`), else when the interval since the last hand-on is over; values in between are
   * replaced by newer ones, never queued.
   */
  note(key: string, value: T, options?: { now?: boolean }): void
  /** Hands on every waiting value now and resolves when every run, new or under way, is done. */
  flush(): Promise<void>
  /** Keys with a value waiting or a run in its cool-down. */
  readonly size: number
}

interface Entry<T> { timer: Timer, waiting?: { value: T } }

/**
 * "At most every `intervalMs` per key, the last value always delivered": the one throttle of the
 * server (counter frames, analytics samples, stored viewer counts, deal updates). It is a throttle,
 * not a debounce: under a steady stream of changes a value still goes out every interval.
 * Runs of one key never overlap (an async run waits for the one before it), and `flush` awaits
 * them all, so shutdown loses nothing that was noted.
 */
export function keyedThrottle<T>(options: {
  intervalMs: number
  clock: Clock
  run: (key: string, value: T) => unknown
  onError?: (error: unknown, key: string) => void
}): KeyedThrottle<T> {
  const { intervalMs, clock, run } = options
  const onError = options.onError ?? ((error: unknown, key: string) => console.error(`[throttle] run for ${key} failed`, error))
  const entries = new Map<string, Entry<T>>()
  const tails = new Map<string, Promise<void>>()

  /** Runs once; answers the promise of an async run (its failure reported), nothing for a sync one. */
  function invoke(key: string, value: T): Promise<void> | undefined {
    try {
      const result = run(key, value)
      if (result instanceof Promise) return result.then(() => {}, error => onError(error, key))
    }
    catch (error) {
      onError(error, key)
    }
    return undefined
  }

  function track(key: string, tail: Promise<void>) {
    tails.set(key, tail)
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key)
    })
  }

  function start(key: string, value: T) {
    const previous = tails.get(key)
    // A run of this key is still under way: this one follows it, so their effects keep their order.
    if (previous) return track(key, previous.then(() => invoke(key, value)))
    // Otherwise at once, in this tick: a frame noted now goes out now.
    const pending = invoke(key, value)
    if (pending) track(key, pending)
  }

  function coolDown(key: string): Timer {
    return clock.after(intervalMs, () => {
      const entry = entries.get(key)
      if (!entry) return
      if (!entry.waiting) {
        entries.delete(key)
        return
      }
      const { value } = entry.waiting
      entry.waiting = undefined
      entry.timer = coolDown(key)
      start(key, value)
    })
  }

  return {
    note(key, value, { now = false } = {}) {
      const entry = entries.get(key)
      if (entry && !now) {
        entry.waiting = { value }
        return
      }
      entry?.timer.cancel()
      entries.set(key, { timer: coolDown(key) })
      start(key, value)
    },
    async flush() {
      for (const [key, entry] of entries) {
        entry.timer.cancel()
        if (entry.waiting) start(key, entry.waiting.value)
      }
      entries.clear()
      // A run may note again (a count that changes a counter): wait until all is quiet.
      while (tails.size) await Promise.all(tails.values())
    },
    get size() {
      return entries.size
    },
  }
}
