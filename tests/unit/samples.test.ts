import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LivestreamRecord, SampleRecord, Store } from '../../server/db/types'
import { SAMPLE_INTERVAL_MS, flushSamples, noteCounters } from '../../server/domain/samples'

const start = Date.parse('2030-01-01T10:00:00.000Z')
const at = (ms: number) => new Date(start + ms).toISOString()
let streamNumber = 0

function recordingStore() {
  const samples: SampleRecord[] = []
  const store = { addSample: async (sample: SampleRecord) => void samples.push(sample) } as unknown as Store
  return { store, samples }
}

describe('noteCounters: the analytics samples of a stream', () => {
  let stream: LivestreamRecord
  beforeEach(() => {
    vi.useFakeTimers({ now: start })
    stream = {
      id: `samples-${++streamNumber}`, title: 't', description: '', quality: '720p', status: 'live', likes: 0, viewCount: 0,
      currentViewers: 0, maxViewers: 0, createdAt: at(-60_000), startTime: at(0),
    }
  })
  afterEach(() => vi.useRealTimers())

  it('writes at most one sample per interval, the last change stamped with when it happened', async () => {
    const { store, samples } = recordingStore()
    noteCounters(store, stream, { now: true })
    vi.setSystemTime(start + 1000)
    noteCounters(store, { ...stream, currentViewers: 1, viewCount: 1 })
    vi.setSystemTime(start + 2500)
    noteCounters(store, { ...stream, currentViewers: 2, viewCount: 2 })
    expect(samples.map(sample => sample.at)).toEqual([at(0)])

    await vi.advanceTimersByTimeAsync(SAMPLE_INTERVAL_MS)
    expect(samples).toEqual([
      { livestreamId: stream.id, at: at(0), currentViewers: 0, likes: 0, viewCount: 0 },
      // Written at 0:05, when the throttle allowed, but it is the state of 0:02.5.
      { livestreamId: stream.id, at: at(2500), currentViewers: 2, likes: 0, viewCount: 2 },
    ])
  })

  it('keeps a waiting change at shutdown, with its own time', () => {
    const { store, samples } = recordingStore()
    noteCounters(store, stream, { now: true })
    vi.setSystemTime(start + 1200)
    noteCounters(store, { ...stream, likes: 7 })
    vi.setSystemTime(start + 3000)
    flushSamples(store)
    expect(samples.at(-1)).toMatchObject({ at: at(1200), likes: 7 })
    expect(samples).toHaveLength(2)
  })
})
