import type { Clock } from '../utils/clock'
import { createRateLimiter, type RateLimiter } from '../utils/rate-limit'

/** The limits of PROTOCOL.md and the README, each a token bucket per key (a user, an address). */
export function createLimits(clock: Clock) {
  const limiter = (burst: number, perSecond: number): RateLimiter => createRateLimiter({ burst, perSecond, now: clock.now })
  return {
    /** Per address and email. */
    login: limiter(10, 1 / 6),
    /** Per address: generous, since a whole audience can share one address behind NAT. */
    signup: limiter(60, 2),
    /** Per user. */
    like: limiter(5, 1),
    /** Per user. */
    order: limiter(5, 1 / 10),
    /** Per user, on the socket. */
    chat: limiter(5, 1),
  }
}

export type Limits = ReturnType<typeof createLimits>
