import type { Livestream } from '#shared/types/models'
import type { Store } from '../db'
import { roomEvents } from '../realtime/events'
import { findLivestream, presentLivestream } from './livestreams'

/**
 * The answer of GET /api/livestreams/:id, kept for a second. The link a brand shares is opened by
 * thousands at once, all asking for the same show; reading it from the store and presenting it
 * for each of them cost half the throughput of a bare handler (bench/http.mjs). Changes made in
 * this process apply at once (counters patched in, anything else dropped); a change made by
 * another process shows within TTL_MS, while sockets carry every change live anyway.
 */
const TTL_MS = 1000
const MAX_ENTRIES = 1000
const entries = new Map<string, { livestream: Livestream, until: number }>()

export async function readLivestream(store: Store, id: string): Promise<Livestream> {
  const entry = entries.get(id)
  if (entry && entry.until > Date.now()) return entry.livestream
  const livestream = await presentLivestream(store, await findLivestream(store, id))
  if (entries.size >= MAX_ENTRIES) entries.clear()
  entries.set(id, { livestream, until: Date.now() + TTL_MS })
  return livestream
}

export function forgetLivestream(id: string) {
  entries.delete(id)
}

roomEvents.on('counters', ({ livestreamId, ...counters }) => {
  const entry = entries.get(livestreamId)
  if (entry) entry.livestream = { ...entry.livestream, ...counters }
})
roomEvents.on('started', ({ livestream }) => forgetLivestream(livestream.id))
roomEvents.on('stopped', livestream => forgetLivestream(livestream.id))
roomEvents.on('updated', livestream => forgetLivestream(livestream.id))
roomEvents.on('deleted', id => forgetLivestream(id))
roomEvents.on('pins', ({ livestreamId }) => forgetLivestream(livestreamId))
// Stock changed: pinned products carry their stock, and which shows pin them is not known here.
roomEvents.on('products', () => entries.clear())
