import { beforeEach, describe, expect, it } from 'vitest'
import type { LivestreamRecord, SampleRecord, Store } from '../../server/db/types'
import { SAMPLE_INTERVAL_MS, createSampleRecorder } from '../../server/domain/samples'
import { manualClock, type ManualClock } from '../support/manual-clock'

const start = Date.parse('2030-01-01T10:00:00.000Z')
const at = (ms: number) => new Date(start + ms).toISOString()

function recordingStore() {
  const samples: SampleRecord[] = []
  const store = { addSample: async (sample: SampleRecord) => void samples.push(sample) } as unknown as Store
  return { store, samples }
}

describe('the sample recorder: the analytics samples of a stream', () => {
  let stream: LivestreamRecord
  let clock: ManualClock
  beforeEach(() => {
    clock = manualClock(start)
    stream = {
      id: 'samples-1', title: 't', description: '', quality: '720p', status: 'live', likes: 0, viewCount: 0, replayViews: 0,
      currentViewers: 0, maxViewers: 0, createdAt: at(-60_000), startTime: at(0),
    }
  })

  it('writes at most one sample per interval, the last change stamped with when it happened', async () => {
    const { store, samples } = recordingStore()
    const recorder = createSampleRecorder(store, clock)
    recorder.note(stream, { now: true })
    clock.advance(1000)
    recorder.note({ ...stream, currentViewers: 1, viewCount: 1 })
    clock.advance(1500)
    recorder.note({ ...stream, currentViewers: 2, viewCount: 2 })
    expect(samples.map(sample => sample.at)).toEqual([at(0)])

    clock.advance(SAMPLE_INTERVAL_MS)
    await recorder.flush()
    expect(samples).toEqual([
      { livestreamId: stream.id, at: at(0), currentViewers: 0, likes: 0, viewCount: 0 },
      // Written at 0:05, when the throttle allowed, but it is the state of 0:02.5.
      { livestreamId: stream.id, at: at(2500), currentViewers: 2, likes: 0, viewCount: 2 },
    ])
  })

  it('keeps a waiting change at shutdown, with its own time', async () => {
    const { store, samples } = recordingStore()
    const recorder = createSampleRecorder(store, clock)
    recorder.note(stream, { now: true })
    clock.advance(1200)
    recorder.note({ ...stream, likes: 7 })
    clock.advance(1800)
    await recorder.flush()
    expect(samples.at(-1)).toMatchObject({ at: at(1200), likes: 7 })
    expect(samples).toHaveLength(2)
  })

  it('waits for a sample being written before shutdown goes on', async () => {
    const written: SampleRecord[] = []
    let release!: () => void
    const slow = { addSample: (sample: SampleRecord) => new Promise<void>((resolve) => {
      release = () => {
        written.push(sample)
        resolve()
      }
    }) } as unknown as Store
    const recorder = createSampleRecorder(slow, clock)
    recorder.note(stream, { now: true })
    let flushed = false
    const flushing = recorder.flush().then(() => (flushed = true))
    await Promise.resolve()
    expect(flushed).toBe(false)
    release()
    await flushing
    expect(written).toHaveLength(1)
  })
})
