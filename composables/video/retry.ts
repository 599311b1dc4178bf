import { backoffDelay } from '#shared/utils/backoff'

/**
 * The one try a video connection has pending, and the backoff after failures in a row (1 s,
 * doubling to 15 s, with jitter so a crowd that lost the same server does not come back at once).
 */
export class Retry {
  private failures = 0
  private timer: ReturnType<typeof setTimeout> | undefined

  /** Runs `action` after `ms`, in place of any try already pending. */
  after(ms: number, action: () => void) {
    this.cancel()
    this.timer = setTimeout(action, ms)
  }

  /** One more failure in a row: runs `action` after the backoff. */
  afterFailure(action: () => void) {
    this.after(backoffDelay(this.failures++, 1000, 15_000), action)
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
