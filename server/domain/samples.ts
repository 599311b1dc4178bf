import type { LivestreamRecord, Store } from '../db'
import { roomEvents } from '../realtime/events'

/** How often at most a stream's counters are written as an analytics sample. */
export const SAMPLE_INTERVAL_MS = 5000

const pending = new Map<string, { record: LivestreamRecord, timer: NodeJS.Timeout }>()
const lastWrite = new Map<string, number>()

function writeSample(store: Store, record: LivestreamRecord) {
  lastWrite.set(record.id, Date.now())
  store.addSample({
    livestreamId: record.id,
    at: new Date().toISOString(),
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
  const waiting = pending.get(id)
  const since = Date.now() - (lastWrite.get(id) ?? 0)
  if (options.now || (!waiting && since >= SAMPLE_INTERVAL_MS)) {
    if (waiting) clearTimeout(waiting.timer)
    pending.delete(id)
    writeSample(store, record)
    return
  }
  if (waiting) {
    waiting.record = record
    return
  }
  const timer = setTimeout(() => {
    const latest = pending.get(id)
    pending.delete(id)
    if (latest) writeSample(store, latest.record)
  }, SAMPLE_INTERVAL_MS - since)
  timer.unref()
  pending.set(id, { record, timer })
}

/** Writes every waiting sample now: at shutdown, so the last seconds of a timeline are kept. */
export function flushSamples(store: Store): void {
  for (const { record, timer } of pending.values()) {
    clearTimeout(timer)
    writeSample(store, record)
  }
  pending.clear()
}
