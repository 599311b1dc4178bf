import type { Clock } from '../utils/clock'
import { createRateLimiter, type RateLimiter, type TakeResult } from '../utils/rate-limit'
import { DomainError } from './errors'

/** A token bucket: `burst` at once, then `perSecond` on average. */
export interface Bucket { burst: number, perSecond: number }

/** Who is asking, as far as the server can tell: the account, the browser (device cookie), the address. */
export interface Actor { userId?: string, deviceId?: string, address?: string }

type Scope = 'perUser' | 'perDevice' | 'perAddress' | 'perKey'
type Policy = Partial<Record<Scope, Bucket>>

/**
 * Every limit, by what it guards and whom it counts. Per user alone is not enough: guest accounts
 * are free, so each limit also counts the browser and the address, whatever accounts they make.
 * Per address is generous: a whole audience can share one address behind a carrier's NAT.
 * `perKey` counts a key the caller names (an address and an email, a show and an address, a socket).
 */
export const DEFAULT_LIMITS = {
  login: { perKey: { burst: 10, perSecond: 1 / 6 }, perAddress: { burst: 30, perSecond: 1 / 2 } },
  signup: { perAddress: { burst: 30, perSecond: 1 }, perDevice: { burst: 10, perSecond: 1 / 10 } },
  like: { perUser: { burst: 5, perSecond: 1 }, perDevice: { burst: 5, perSecond: 1 }, perAddress: { burst: 60, perSecond: 10 } },
  /** Hearts, not requests: one like request carries up to 50 taps. */
  hearts: { perDevice: { burst: 250, perSecond: 25 }, perAddress: { burst: 1000, perSecond: 100 } },
  chat: { perUser: { burst: 5, perSecond: 1 }, perDevice: { burst: 5, perSecond: 1 }, perAddress: { burst: 20, perSecond: 3 } },
  order: { perUser: { burst: 5, perSecond: 1 / 10 }, perDevice: { burst: 5, perSecond: 1 / 10 }, perAddress: { burst: 20, perSecond: 1 / 2 } },
  /** Unique live views counted per show and address. */
  view: { perKey: { burst: 10, perSecond: 1 / 60 } },
  /** Funnel event batches (POST /events): a page sends one every few seconds at most. */
  events: { perKey: { burst: 10, perSecond: 1 }, perAddress: { burst: 200, perSecond: 40 } },
  /** New WHEP sessions (each binds UDP ports and starts a handshake): a page opens one, and another when it reconnects. */
  whep: { perAddress: { burst: 50, perSecond: 2 }, perDevice: { burst: 8, perSecond: 1 / 5 } },
  /** New funnel sessions per show and address, counted like views. */
  funnelSession: { perKey: { burst: 10, perSecond: 1 / 60 } },
  /** "Remind me" forms sent (each may mail an address): a person asks for a few shows, not hundreds. */
  reminder: { perAddress: { burst: 10, perSecond: 1 / 60 }, perKey: { burst: 3, perSecond: 1 / 600 } },
  /** Purchases reported from a brand's confirmation page: a shopper places a few orders, not dozens. */
  attribution: { perAddress: { burst: 20, perSecond: 1 / 30 } },
  /** Questions to the host: a few per person, not a stream (they wait in the staff's queue). */
  question: { perUser: { burst: 3, perSecond: 1 / 20 }, perDevice: { burst: 3, perSecond: 1 / 20 }, perAddress: { burst: 30, perSecond: 1 } },
  /** Poll votes and giveaway entries: a tap each, a change of mind now and then. */
  onAirAnswer: { perUser: { burst: 5, perSecond: 1 }, perDevice: { burst: 10, perSecond: 2 }, perAddress: { burst: 100, perSecond: 20 } },
  /** `webrtc_new_customer` per socket: each one makes the host's browser build a connection. */
  videoRequest: { perKey: { burst: 3, perSecond: 1 / 3 } },
} satisfies Record<string, Policy>

export type LimitName = keyof typeof DEFAULT_LIMITS
export type LimitOverrides = Partial<Record<LimitName, Policy>>

/** Where the buckets live: this process, or Redis so that every process counts together. */
export interface BucketStore {
  take(key: string, bucket: Bucket, cost: number): Promise<TakeResult>
}

export function memoryBuckets(clock: Clock): BucketStore {
  const limiters = new Map<string, RateLimiter>()
  return {
    async take(key, bucket, cost) {
      const kind = `${bucket.burst}/${bucket.perSecond}`
      let limiter = limiters.get(kind)
      if (!limiter) {
        limiter = createRateLimiter({ ...bucket, now: clock.now })
        limiters.set(kind, limiter)
      }
      return limiter.take(key, cost)
    },
  }
}

export interface Limits {
  /**
   * Refuses (429 / RATE_LIMITED) when any of the actor's buckets for `name` has fewer than `cost`
   * tokens (1 by default); `lead` opens the message.
   */
  enforce(name: LimitName, who: Actor & { key?: string }, lead?: string, cost?: number): Promise<void>
  /** Refusals so far, by limit and scope (for /metrics). */
  readonly refused: ReadonlyMap<string, number>
}

const SCOPE_KEY: Record<Scope, keyof (Actor & { key?: string })> = {
  perUser: 'userId', perDevice: 'deviceId', perAddress: 'address', perKey: 'key',
}

export function createLimits(buckets: BucketStore, overrides: LimitOverrides = {}): Limits {
  const refused = new Map<string, number>()
  const policyOf = (name: LimitName): Policy => ({ ...DEFAULT_LIMITS[name], ...overrides[name] })
  return {
    refused,
    async enforce(name, who, lead = 'too many requests;', cost = 1) {
      for (const [scope, bucket] of Object.entries(policyOf(name)) as [Scope, Bucket][]) {
        const id = who[SCOPE_KEY[scope]]
        if (!id || id === 'unknown') continue
        const result = await buckets.take(`${name}:${scope}:${id}`, bucket, Math.min(cost, bucket.burst))
        if (result.ok) continue
        const counted = `${name}:${scope}`
        refused.set(counted, (refused.get(counted) ?? 0) + 1)
        const { retryAfterSeconds } = result
        throw new DomainError('rate_limited', `${lead} try again in ${retryAfterSeconds} s`, { retryAfterSeconds })
      }
    },
  }
}
