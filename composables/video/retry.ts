import { backoffDelay } from '#shared/utils/backoff'

/**
 * The one try a video connection has pending, and the backoff after failures in a row (from
 * `baseMs`, doubling to `maxMs`, with jitter so a crowd that lost the same server does not come
 * back at once).
 */
export class Retry {
  private failures = 0
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly baseMs = 1000, private readonly maxMs = 15_000) {}

  /** Runs `action` after `ms`, in place of any try already pending. */
  after(ms: number, action: () => void) {
    this.cancel()
    this.timer = setTimeout(action, ms)
  }

  /** One more failure in a row: runs `action` after the backoff. */
  afterFailure(action: () => void) {
    this.after(backoffDelay(this.failures++, this.baseMs, this.maxMs), action)
  }

  /** It worked (or starts afresh): the next failure waits the shortest time again. */
  reset() {
    this.failures = 0
  }

  cancel() {
    clearTimeout(this.timer)
    this.timer = undefined
  }
}
