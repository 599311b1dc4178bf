import { describe, expect, it } from 'vitest'
import { DEFAULT_LIMITS, createLimits, memoryBuckets } from '../../server/domain/limits'
import { createGate } from '../../server/utils/gate'
import { manualClock } from '../support/manual-clock'

const refusedOf = async (attempt: () => Promise<void>) => attempt().then(() => false, (error: { code: string }) => error.code === 'rate_limited')

describe('the limits', () => {
  it('count the browser and the address as well as the account, so new accounts change nothing', async () => {
    const limits = createLimits(memoryBuckets(manualClock()))
    const results = []
    // Ten guest accounts from one browser, each sending its own first 5 lines.
    for (let account = 0; account < 10; account++) {
      for (let line = 0; line < 5; line++) results.push(await refusedOf(() => limits.enforce('chat', { userId: `guest-${account}`, deviceId: 'browser-1', address: '203.0.113.7' })))
    }
    expect(results.filter(refused => !refused)).toHaveLength(5)
  })

  it('let an address make 30 accounts at once, then about one a second', async () => {
    const clock = manualClock()
    const limits = createLimits(memoryBuckets(clock))
    const made = async (n: number) => {
      let ok = 0
      for (let i = 0; i < n; i++) if (!(await refusedOf(() => limits.enforce('signup', { address: '203.0.113.7' })))) ok++
      return ok
    }
    expect(await made(60)).toBe(DEFAULT_LIMITS.signup.perAddress.burst)
    clock.advance(5000)
    expect(await made(60)).toBe(5)
  })

  it('charge hearts by their count, and say when to come back', async () => {
    const limits = createLimits(memoryBuckets(manualClock()))
    for (let i = 0; i < 20; i++) await limits.enforce('hearts', { address: 'a' }, 'too many hearts;', 50)
    await expect(limits.enforce('hearts', { address: 'a' }, 'too many hearts;', 50))
      .rejects.toMatchObject({ code: 'rate_limited', data: { retryAfterSeconds: 1 } })
    expect(limits.refused.get('hearts:perAddress')).toBe(1)
  })

  it('take overrides per limit and scope', async () => {
    const limits = createLimits(memoryBuckets(manualClock()), { chat: { perAddress: { burst: 2, perSecond: 1 } } })
    await limits.enforce('chat', { address: 'b' })
    await limits.enforce('chat', { address: 'b' })
    await expect(limits.enforce('chat', { address: 'b' })).rejects.toMatchObject({ code: 'rate_limited' })
  })
})

describe('the hashing gate', () => {
  it('runs at most its share at once, queues a few, and refuses the rest at once', async () => {
    const gate = createGate(2, 3)
    const releases: Array<() => void> = []
    const job = () => new Promise<void>(resolve => releases.push(resolve))
    const runs = Array.from({ length: 7 }, () => gate.run(job).then(() => 'done', (error: { code: string }) => error.code))
    await new Promise(resolve => setTimeout(resolve, 0))
    expect(gate.running).toBe(2)
    expect(gate.waiting).toBe(3)
    expect(await Promise.race([runs[5], runs[6]])).toBe('unavailable')
    while (releases.length) {
      releases.shift()!()
      await new Promise(resolve => setTimeout(resolve, 0))
    }
    expect(await Promise.all(runs)).toEqual(['done', 'done', 'done', 'done', 'done', 'unavailable', 'unavailable'])
  })
})
