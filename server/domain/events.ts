// Domain events: what changed, said once by the core. Each core has its own emitter; the room hub
// (server/realtime/room-events.ts) is wired to it explicitly where the app is put together, so a
// change made over REST and one made over the socket reach viewers the same way.
import { EventEmitter } from 'node:events'
import type { ChatMessage, ChatSettings, Deal, DestinationStateName, Giveaway, Livestream, ModerationEntry, Order, Poll, Product, Question } from '#shared/types/models'
import type { Counters } from '#shared/schemas/socket'

export interface DomainEventMap {
  /** A stream went live; `streamData` is what the host's studio sent along, if it started over the socket. */
  started: [event: { livestream: Livestream, streamData?: Record<string, unknown> }]
  stopped: [livestream: Livestream]
  /** Title, description, quality, schedule, recording or thumbnail changed. */
  updated: [livestream: Livestream]
  deleted: [livestreamId: string]
  /** Likes, views or viewer counts changed. */
  counters: [counters: Counters]
  pins: [pins: { livestreamId: string, pinnedProducts: Product[] }]
  chat: [message: ChatMessage]
  /** A line that waits for a moderator (it had a link): for the show's moderators only. */
  chatHeld: [message: ChatMessage]
  /** Lines a moderator removed (one, or a banned person's). */
  chatDeleted: [removal: { livestreamId: string, messageIds: string[] }]
  chatSettings: [change: { livestreamId: string, settings: ChatSettings }]
  /** A moderator acted (kept in the record): for the show's moderators. */
  moderation: [action: { livestreamId: string, entry: ModerationEntry }]
  /** Stock or details of these products changed (an order, an edit). */
  products: [productIds: string[]]
  /** An order was placed (its stock is taken). */
  order: [order: Order]
  dealStarted: [deal: Deal]
  /** Units of these deals were bought (what is left is read again). */
  dealsTaken: [dealIds: string[]]
  /** What is left of a deal, at most a few times a second (room-events coalesces). */
  dealUpdated: [update: { livestreamId: string, dealId: string, remaining: number }]
  dealEnded: [deal: Deal]
  /** Webhook deliveries went into the outbox: the sender looks now rather than at its next poll. */
  webhooksQueued: []
  /** Mails went into the outbox: the mail sender looks now. */
  mailsQueued: []
  pollStarted: [poll: Poll]
  /** A vote was cast or changed: the counts are read again (room-events coalesces). */
  pollVoted: [vote: { livestreamId: string, pollId: string }]
  pollEnded: [poll: Poll]
  /** For the show's staff: the queue. */
  questionAsked: [question: Question]
  questionPinned: [question: Question]
  questionAnswered: [answered: { livestreamId: string, questionId: string }]
  giveawayStarted: [giveaway: Giveaway]
  /** Someone entered: the count is read again (coalesced). */
  giveawayEntered: [entry: { livestreamId: string, giveawayId: string }]
  giveawayDrawn: [giveaway: Giveaway]
  /** A show's restream destinations were added or removed. */
  destinations: [change: { livestreamId: string }]
  /** A destination's push changed state (this process pushes the show). */
  destinationState: [state: { livestreamId: string, destinationId: string, state: DestinationStateName, error?: string }]
  /** The host's media started or stopped flowing (relay and janus modes). */
  media: [state: { livestreamId: string, publishing: boolean }]
}

export type DomainEvents = EventEmitter<DomainEventMap>

export function createDomainEvents(): DomainEvents {
  const events = new EventEmitter<DomainEventMap>()
  // Several listeners per event (the hub, the answer cache, analytics) is normal, not a leak.
  events.setMaxListeners(50)
  return events
}

/** A listener for some of the domain's events, by name. */
export type DomainListeners = { [K in keyof DomainEventMap]?: (...args: DomainEventMap[K]) => void }

/**
 * Subscribes `listeners` to `events` and answers the function that unsubscribes them all: how the
 * hub and the caches attach, where the app is assembled, and detach at shutdown. A listener that
 * throws is logged: it must not undo the change that was announced, nor fail its caller.
 */
export function listenTo(events: DomainEvents, listeners: DomainListeners): () => void {
  const entries = Object.entries(listeners) as [keyof DomainEventMap, (...args: unknown[]) => void][]
  const guarded = entries.map(([name, listener]) => [name, (...args: unknown[]) => {
    try {
      listener(...args)
    }
    catch (error) {
      console.error(`[events] a ${name} listener failed`, error)
    }
  }] as const)
  for (const [name, listener] of guarded) events.on(name, listener as never)
  return () => {
    for (const [name, listener] of guarded) events.off(name, listener as never)
  }
}

/**
 * The events after which what a show's page and its answer show of it is out of date (its details,
 * its status, its pins): `forget` is told the show's id. For the caches of both.
 */
export function onShowChanged(forget: (livestreamId: string) => void): DomainListeners {
  return {
    started: ({ livestream }) => forget(livestream.id),
    stopped: livestream => forget(livestream.id),
    updated: livestream => forget(livestream.id),
    deleted: forget,
    pins: ({ livestreamId }) => forget(livestreamId),
  }
}
