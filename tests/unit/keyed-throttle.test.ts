import { describe, expect, it } from 'vitest'
import { keyedThrottle } from '../../server/utils/keyed-throttle'
import { manualClock } from '../support/manual-clock'

function setUp(intervalMs = 250) {
  const clock = manualClock()
  const runs: Array<{ key: string, value: number, at: number }> = []
  const throttle = keyedThrottle<number>({ intervalMs, clock, run: (key, value) => void runs.push({ key, value, at: clock.now() - clock.start }) })
  return { clock, runs, throttle }
}

describe('keyedThrottle', () => {
  it('hands the first value on at once and the latest of a busy spell once the interval is over', () => {
    const { clock, runs, throttle } = setUp()
    throttle.note('room', 1)
    clock.advance(50)
    throttle.note('room', 2)
    clock.advance(50)
    throttle.note('room', 3)
    expect(runs).toEqual([{ key: 'room', value: 1, at: 0 }])
    clock.advance(150)
    expect(runs).toEqual([{ key: 'room', value: 1, at: 0 }, { key: 'room', value: 3, at: 250 }])
  })

  it('is a throttle, not a debounce: a steady stream still goes out every interval', () => {
    const { clock, runs, throttle } = setUp()
    // One change every 30 ms for 2 s, as viewers arrive in the first minutes of a show.
    for (let t = 0; t < 2000; t += 30) {
      throttle.note('room', t)
      clock.advance(30)
    }
    const times = runs.map(run => run.at)
    expect(times.length).toBeGreaterThanOrEqual(8)
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(250)
    // The last change is never lost.
    clock.advance(250)
    expect(runs.at(-1)!.value).toBe(1980)
  })

  it('keeps keys apart, goes quiet after an interval with nothing new, and starts at once again', () => {
    const { clock, runs, throttle } = setUp()
    throttle.note('a', 1)
    throttle.note('b', 1)
    expect(runs.map(run => run.key)).toEqual(['a', 'b'])
    clock.advance(250)
    expect(throttle.size).toBe(0)
    expect(clock.pending()).toBe(0)
    throttle.note('a', 2)
    expect(runs.at(-1)).toEqual({ key: 'a', value: 2, at: 250 })
  })

  it('sends at once when told to, replacing what waited', () => {
    const { clock, runs, throttle } = setUp()
    throttle.note('room', 1)
    throttle.note('room', 2)
    throttle.note('room', 3, { now: true })
    clock.advance(1000)
    expect(runs.map(run => run.value)).toEqual([1, 3])
  })

  it('never overlaps the runs of one key, and flush waits for every one of them', async () => {
    const clock = manualClock()
    const log: string[] = []
    const releases: Array<() => void> = []
    const throttle = keyedThrottle<number>({
      intervalMs: 100,
      clock,
      run: (_key, value) => {
        log.push(`start ${value}`)
        return new Promise<void>(resolve => releases.push(() => {
          log.push(`end ${value}`)
          resolve()
        }))
      },
    })
    throttle.note('k', 1)
    throttle.note('k', 2)
    clock.advance(100)
    // The second run waits for the first, which is still under way.
    expect(log).toEqual(['start 1'])
    let flushed = false
    const flushing = throttle.flush().then(() => (flushed = true))
    releases.shift()!()
    await new Promise(resolve => setTimeout(resolve, 0))
    expect(log).toEqual(['start 1', 'end 1', 'start 2'])
    expect(flushed).toBe(false)
    releases.shift()!()
    await flushing
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2'])
  })

  it('reports a failing run and carries on', async () => {
    const clock = manualClock()
    const errors: unknown[] = []
    let calls = 0
    const throttle = keyedThrottle<number>({
      intervalMs: 10,
      clock,
      run: () => {
        calls++
        throw new Error('store down')
      },
      onError: error => errors.push(error),
    })
    throttle.note('k', 1)
    throttle.note('k', 2)
    clock.advance(10)
    await throttle.flush()
    expect(calls).toBe(2)
    expect(errors).toHaveLength(2)
  })
})
