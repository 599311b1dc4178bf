export type TakeResult = { ok: true } | { ok: false, retryAfterSeconds: number }

export interface RateLimiter {
  /** Takes `cost` tokens for `key`; when too few are left, says how many seconds until there are. */
  take(key: string, cost?: number): TakeResult
}

/**
 * A token bucket per key: `burst` at once, then `perSecond` on average. Buckets that have refilled
 * completely carry no information and are dropped, so memory follows active keys only.
 */
export function createRateLimiter({ burst, perSecond, now = Date.now }: { burst: number, perSecond: number, now?: () => number }): RateLimiter {
  const buckets = new Map<string, { tokens: number, at: number }>()
  const fullAfterMs = (burst / perSecond) * 1000
  let lastSweep = now()

  function sweep(time: number) {
    if (time - lastSweep < fullAfterMs) return
    lastSweep = time
    for (const [key, bucket] of buckets) if (time - bucket.at >= fullAfterMs) buckets.delete(key)
  }

  return {
    take(key, cost = 1) {
      const time = now()
      sweep(time)
      const bucket = buckets.get(key) ?? { tokens: burst, at: time }
      bucket.tokens = Math.min(burst, bucket.tokens + ((time - bucket.at) / 1000) * perSecond)
      bucket.at = time
      buckets.set(key, bucket)
      if (bucket.tokens >= cost) {
        bucket.tokens -= cost
        return { ok: true }
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((cost - bucket.tokens) / perSecond)) }
    },
  }
}
