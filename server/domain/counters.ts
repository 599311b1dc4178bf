import type { LivestreamRecord } from '../db'
import type { Core } from './core'

/**
 * The counters of a stream changed: tell the room (the hub coalesces the frames), and keep a
 * sample for the analytics timeline. `now` writes the sample at once (start, stop).
 */
export function noteCounters(core: Pick<Core, 'events' | 'samples'>, record: LivestreamRecord, options: { now?: boolean } = {}): void {
  const { id, likes, viewCount, currentViewers, maxViewers } = record
  core.events.emit('counters', { livestreamId: id, likes, viewCount, currentViewers, maxViewers })
  core.samples.note(record, options)
}
