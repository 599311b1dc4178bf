import type { LivestreamRecord, Store } from '../db'
import { roomEvents } from '../realtime/events'

/** How often at most a stream's counters are written as an analytics sample. */
export const SAMPLE_INTERVAL_MS = 5000

/** The latest change not yet written, with when it happened. */
interface Change { record: LivestreamRecord, at: number }
const pending = new Map<string, Change & { timer: NodeJS.Timeout }>()
const lastWrite = new Map<string, number>()

// A sample is stamped with when its change happened, not when the throttle let it be written:
// a viewer who came 1 s into the show counts from 0:01 on the timeline, not from 0:05.
function writeSample(store: Store, { record, at }: Change) {
  lastWrite.set(record.id, Date.now())
  store.addSample({
    livestreamId: record.id,
    at: new Date(at).toISOString(),
    currentViewers: record.currentViewers,
    likes: record.likes,
    viewCount: record.viewCount,
  }).catch(error => console.error('[analytics] could not store a sample', error))
}

/**
 * The counters of a stream changed: tell the room, and keep a sample for the analytics timeline.
 * Samples are throttled per stream (one per SAMPLE_INTERVAL_MS, the last change always written),
 * so a like storm costs a few rows, not one per like. `now` writes at once (start, stop).
 */
export function noteCounters(store: Store, record: LivestreamRecord, options: { now?: boolean } = {}): void {
  const { id, likes, viewCount, currentViewers, maxViewers } = record
  roomEvents.emit('counters', { livestreamId: id, likes, viewCount, currentViewers, maxViewers })
  // A number, not an ISO string: this runs for every like, the string only once per written sample.
  const change = { record, at: Date.now() }
  const waiting = pending.get(id)
  const since = change.at - (lastWrite.get(id) ?? 0)
  if (options.now || (!waiting && since >= SAMPLE_INTERVAL_MS)) {
    if (waiting) clearTimeout(waiting.timer)
    pending.delete(id)
    writeSample(store, change)
    return
  }
  if (waiting) {
    Object.assign(waiting, change)
    return
  }
  const timer = setTimeout(() => {
    const latest = pending.get(id)
    pending.delete(id)
    if (latest) writeSample(store, latest)
  }, SAMPLE_INTERVAL_MS - since)
  timer.unref()
  pending.set(id, { ...change, timer })
}

/** Writes every waiting sample now: at shutdown, so the last seconds of a timeline are kept. */
export function flushSamples(store: Store): void {
  for (const change of pending.values()) {
    clearTimeout(change.timer)
    writeSample(store, change)
  }
  pending.clear()
}
