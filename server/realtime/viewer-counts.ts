import type { Core } from '../domain/core'
import { noteCounters } from '../domain/counters'
import { keyedThrottle } from '../utils/keyed-throttle'
import type { Presence } from './bus'

/**
 * How often at most a room's stored viewer count and peak follow its presence. A throttle, not a
 * debounce: while viewers keep arriving (the first minutes of a show), counts still move every
 * interval instead of waiting for arrivals to pause.
 */
export const VIEWER_COUNT_INTERVAL_MS = 250

export interface ViewerCounts {
  /** Someone joined or left `room`: its count is stored (and told) within the interval. */
  changed(room: string): void
  flush(): Promise<void>
}

export function createViewerCounts(core: Core, presence: Presence): ViewerCounts {
  const throttle = keyedThrottle<null>({
    intervalMs: VIEWER_COUNT_INTERVAL_MS,
    clock: core.clock,
    // Read when written, not when noted: across processes, presence is the truth.
    run: async (room) => {
      const record = await core.store.setCurrentViewers(room, await presence.count(room), new Date(core.clock.now()).toISOString())
      if (record) noteCounters(core, record)
    },
    onError: error => console.error('[hub] could not store viewer counts', error),
  })
  return {
    changed: room => throttle.note(room, null),
    flush: () => throttle.flush(),
  }
}
