import type { Redis } from 'ioredis'
import type { Bucket, BucketStore } from '../domain/limits'

// One token bucket, taken from atomically on Redis's clock, so every process counts the same
// tokens: with N processes a user gets the limit once, not N times.
const TAKE = `
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local burst, rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local saved = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(saved[1]) or burst
local at = tonumber(saved[2]) or ms
tokens = math.min(burst, tokens + math.max(0, ms - at) / 1000 * rate)
local ok = tokens >= cost
if ok then tokens = tokens - cost end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(ms))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
if ok then return {1, 0} end
return {0, math.ceil((cost - tokens) / rate * 1000)}
`

/** The limiters' buckets in Redis. If Redis cannot be reached the request is let through, and said so. */
export function redisBuckets(redis: Redis): BucketStore {
  return {
    async take(key, bucket: Bucket, cost) {
      try {
        const [ok, waitMs] = await redis.eval(TAKE, 1, `wrencos:limit:${key}`, bucket.burst, bucket.perSecond, cost) as [number, number]
        return ok ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) }
      }
      catch (error) {
        console.error('[limits] Redis did not answer; letting this request through', (error as Error).message)
        return { ok: true }
      }
    },
  }
}
