import { describe, expect, it } from 'vitest'
import { backoffDelay } from '#shared/utils/backoff'

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, with at most half taken off by jitter', () => {
    expect([0, 1, 2, 3, 10].map(attempt => backoffDelay(attempt, 500, 10_000, () => 1))).toEqual([500, 1000, 2000, 4000, 10_000])
    expect(backoffDelay(2, 500, 10_000, () => 0)).toBe(1000)
    expect(backoffDelay(1000, 500, 10_000, () => 0.5)).toBe(7500)
  })
})
