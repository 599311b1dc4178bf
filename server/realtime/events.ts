// Domain events: what changed in a room, said once by the domain functions. The room hub
// (server/realtime) listens and fans them out to sockets, so a change made over REST and one made
// over the socket reach viewers the same way.
import { EventEmitter } from 'node:events'
import type { ChatMessage, Livestream, Product } from '#shared/types/models'

export interface RoomEvents {
  /** A stream went live; `streamData` is what the host's studio sent along, if it started over the socket. */
  started: [event: { livestream: Livestream, streamData?: Record<string, unknown> }]
  stopped: [livestream: Livestream]
  /** Title, description, quality, schedule, recording or thumbnail changed. */
  updated: [livestream: Livestream]
  deleted: [livestreamId: string]
  /** Likes, views or viewer counts changed. */
  counters: [counters: { livestreamId: string, likes: number, viewCount: number, currentViewers: number, maxViewers: number }]
  pins: [pins: { livestreamId: string, pinnedProducts: Product[] }]
  chat: [message: ChatMessage]
  /** Stock or details of these products changed (an order, an edit). */
  products: [productIds: string[]]
}

export const roomEvents = new EventEmitter<RoomEvents>()
// Many subscribers (the hub, analytics) is normal; this is not a leak.
roomEvents.setMaxListeners(100)
