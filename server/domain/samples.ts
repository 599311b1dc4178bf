import type { LivestreamRecord, Store } from '../db'
import type { Clock } from '../utils/clock'
import { keyedThrottle } from '../utils/keyed-throttle'

/** How often at most a stream's counters are written as an analytics sample. */
export const SAMPLE_INTERVAL_MS = 5000

export interface SampleRecorder {
  /** The counters of `record` changed: keep a sample of them (at once with `now`: start, stop). */
  note(record: LivestreamRecord, options?: { now?: boolean }): void
  /** Writes every waiting sample now and waits until they are stored: at shutdown. */
  flush(): Promise<void>
}

/**
 * The analytics timeline's samples: at most one per stream per SAMPLE_INTERVAL_MS, the last change
 * always written, so a like storm costs a few rows, not one per like. A sample is stamped with
 * when its change happened, not when the throttle let it be written: a viewer who came 1 s into
 * the show counts from 0:01 on the timeline, not from 0:05.
 */
export function createSampleRecorder(store: Store, clock: Clock): SampleRecorder {
  const throttle = keyedThrottle<{ record: LivestreamRecord, at: number }>({
    intervalMs: SAMPLE_INTERVAL_MS,
    clock,
    run: (_id, { record, at }) => store.addSample({
      livestreamId: record.id,
      at: new Date(at).toISOString(),
      currentViewers: record.currentViewers,
      likes: record.likes,
      viewCount: record.viewCount,
    }),
    onError: error => console.error('[analytics] could not store a sample', error),
  })
  return {
    // A number, not an ISO string: this runs for every like, the string only once per written sample.
    note: (record, options) => throttle.note(record.id, { record, at: clock.now() }, options),
    flush: () => throttle.flush(),
  }
}
