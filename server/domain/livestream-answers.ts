import type { Livestream } from '#shared/types/models'
import type { Store } from '../db'
import type { Clock } from '../utils/clock'
import { listenTo, onShowChanged, type DomainEvents } from './events'
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

export interface LivestreamAnswers {
  read(id: string): Promise<Livestream>
  /** Stops following the events (at shutdown). */
  detach(): void
}

export function createLivestreamAnswers({ store, events, clock }: { store: Store, events: DomainEvents, clock: Clock }): LivestreamAnswers {
  const entries = new Map<string, { livestream: Livestream, until: number }>()
  const forget = (id: string) => entries.delete(id)
  const detach = listenTo(events, {
    counters: ({ livestreamId, ...counters }) => {
      const entry = entries.get(livestreamId)
      if (entry) entry.livestream = { ...entry.livestream, ...counters }
    },
    ...onShowChanged(forget),
    // Stock changed: pinned products carry their stock, and which shows pin them is not known here.
    products: () => entries.clear(),
  })

  return {
    async read(id) {
      const entry = entries.get(id)
      if (entry && entry.until > clock.now()) return entry.livestream
      const livestream = await presentLivestream({ store }, await findLivestream({ store }, id))
      if (entries.size >= MAX_ENTRIES) entries.clear()
      entries.set(id, { livestream, until: clock.now() + TTL_MS })
      return livestream
    },
    detach,
  }
}
