import type { Counters } from '#shared/schemas/socket'
import type { Core } from '../domain/core'
import { listenTo } from '../domain/events'
import { announcePins, liveShowsPinning, viewLivestream } from '../domain/livestreams'
import { keyedThrottle } from '../utils/keyed-throttle'
import type { Presence } from './bus'
import type { Fanout } from './fanout'
import { wireOnAirEvents } from './on-air-events'

/** How often at most a room hears about its counters. */
export const COUNTER_INTERVAL_MS = 250

/**
 * What the core announces becomes frames for the room, published once on the bus. Counters are
 * throttled per room (a storm of likes is a few `stream_update`s a second, the last one always
 * sent). Wired where the hub is built, and undone at shutdown.
 */
export function wireRoomEvents(core: Core, fanout: Fanout, presence: Presence) {
  const counters = keyedThrottle<Counters>({
    intervalMs: COUNTER_INTERVAL_MS,
    clock: core.clock,
    run: (room, update) => fanout.publish(room, { type: 'stream_update', ...update }),
  })
  const dealUpdates = keyedThrottle<{ livestreamId: string, remaining: number }>({
    intervalMs: COUNTER_INTERVAL_MS,
    clock: core.clock,
    run: (dealId, { livestreamId, remaining }) => fanout.publish(livestreamId, { type: 'deal_updated', livestreamId, dealId, remaining, serverTime: core.clock.now() }),
  })
  const detach = listenTo(core.events, {
    dealStarted: deal => fanout.publish(deal.livestreamId, { type: 'deal_started', deal, serverTime: core.clock.now() }),
    dealUpdated: ({ livestreamId, dealId, remaining }) => dealUpdates.note(dealId, { livestreamId, remaining }),
    dealEnded: deal => fanout.publish(deal.livestreamId, { type: 'deal_ended', livestreamId: deal.livestreamId, dealId: deal.id, deal, serverTime: core.clock.now() }),
    started: ({ livestream, streamData }) => {
      fanout.publish(livestream.id, { type: 'stream_started', livestreamId: livestream.id, streamData: streamData ?? null })
      countWaitingViewers(core, presence, livestream.id).catch(error => console.error('[hub] could not count the waiting viewers', error))
    },
    stopped: livestream => fanout.publish(livestream.id, { type: 'stream_stopped', livestreamId: livestream.id }),
    updated: livestream => fanout.publish(livestream.id, { type: 'livestream_updated', livestream }),
    pins: pins => fanout.publish(pins.livestreamId, { type: 'pinned_products_updated', ...pins }),
    chat: message => fanout.publish(message.livestreamId, { type: 'chat_message', ...message }),
    chatHeld: message => fanout.publish(message.livestreamId, { type: 'chat_held', message }, { audience: 'staff' }),
    chatDeleted: ({ livestreamId, messageIds }) => {
      for (const messageId of messageIds) fanout.publish(livestreamId, { type: 'chat_deleted', livestreamId, messageId })
    },
    // Customers hear the rules that bind them, not the list of words to get around.
    chatSettings: ({ livestreamId, settings }) => {
      fanout.publish(livestreamId, { type: 'chat_settings_updated', livestreamId, ...settings }, { audience: 'staff' })
      fanout.publish(livestreamId, { type: 'chat_settings_updated', livestreamId, ...settings, blockedWords: [] }, { audience: 'public' })
    },
    moderation: ({ livestreamId, entry }) => fanout.publish(livestreamId, { type: 'moderation_action', livestreamId, action: entry }, { audience: 'staff' }),
    media: ({ livestreamId, publishing }) => fanout.publish(livestreamId, { type: 'media_state', livestreamId, publishing }),
    counters: update => counters.note(update.livestreamId, update),
    // Stock or details changed: the live rooms showing these products get fresh cards.
    products: (ids) => {
      liveShowsPinning(core, ids).then(rooms => announcePins(core, rooms))
        .catch(error => console.error('[hub] could not refresh pins', error))
    },
  })
  const onAir = wireOnAirEvents(core, fanout, COUNTER_INTERVAL_MS)
  return {
    detach: () => {
      detach()
      onAir.detach()
    },
    flush: () => Promise.all([counters.flush(), dealUpdates.flush(), onAir.flush()]).then(() => {}),
  }
}

/**
 * Views count while a show is live. Those who waited on the countdown and are there when it starts
 * are its first viewers: each session in the room is counted now (once, as any view).
 */
async function countWaitingViewers(core: Core, presence: Presence, room: string) {
  for (const sessionId of await presence.sessions(room)) await viewLivestream(core, room, sessionId, { quietly: true })
}
