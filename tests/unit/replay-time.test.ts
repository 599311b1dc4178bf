import { describe, expect, it } from 'vitest'
import { replaySecondsAt } from '../../shared/utils/replay-time'

const at = (seconds: number) => new Date(Date.parse('2030-01-01T10:00:00.000Z') + seconds * 1000).toISOString()

describe('replaySecondsAt', () => {
  // 60 s recorded from go-live; the tab died; back 25 s later (at 1:25) for 30 s more.
  const runs = [
    { at: at(0), replaySeconds: 0, lengthSeconds: 60 },
    { at: at(85), replaySeconds: 60.04, lengthSeconds: 30 },
  ]

  it('counts a moment inside a run from the run, so the gap between runs is not in the replay', () => {
    expect(replaySecondsAt(runs, at(12))).toBeCloseTo(12)
    expect(replaySecondsAt(runs, at(95))).toBeCloseTo(70.04)
  })

  it('puts a moment nothing was recorded at where recording went on', () => {
    expect(replaySecondsAt(runs, at(-3))).toBe(0)
    // Lost with the tab, or in the gap: the next run's start.
    expect(replaySecondsAt(runs, at(70))).toBeCloseTo(60.04)
    // After the end: the end.
    expect(replaySecondsAt(runs, at(200))).toBeCloseTo(90.04)
  })

  it('is the time since go-live for a show recorded in one run', () => {
    expect(replaySecondsAt([{ at: at(0), replaySeconds: 0, lengthSeconds: 300 }], at(123.5))).toBeCloseTo(123.5)
  })
})
