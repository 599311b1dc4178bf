// What polls, questions and giveaways share: they are kept as on-air items of a show (server/db,
// OnAirRecord), made and moved on by staff while the show is live, answered by its audience.
import type { PersonRef } from '#shared/types/models'
import type { OnAirRecord } from '../db'
import { newId } from '../db/ids'
import { isoNow, type Core } from './core'
import { DomainError } from './errors'
import { findLivestream } from './livestreams'

/** An item of this show and kind, or 404 (an id from another show is no such item here). */
export async function itemOf(core: Core, livestreamId: string, kind: OnAirRecord['kind'], id: string): Promise<OnAirRecord> {
  const item = await core.store.getOnAir(id)
  if (!item || item.livestreamId !== livestreamId || item.kind !== kind) throw new DomainError('not_found', `no such ${kind} in this show`)
  return item
}

/** On-air items are made while the show is live. */
export async function requireLive(core: Core, livestreamId: string, doing: string) {
  const stream = await findLivestream(core, livestreamId)
  if (stream.status !== 'live') throw new DomainError('conflict', `${doing} while the show is live`)
  return stream
}

/** A new item's record: its id, its show, its author, made now. */
export function newItem(core: Core, livestreamId: string, kind: OnAirRecord['kind'], author: PersonRef, status: string, data: Record<string, unknown>, endsAt?: string): OnAirRecord {
  return { id: newId(core.clock.now()), livestreamId, kind, status, userId: author.id, data, createdAt: isoNow(core), ...(endsAt ? { endsAt } : {}) }
}

/** An item that closes at `endsAt` (a poll with a time, a giveaway's entry window) is closed from then on. */
export const isClosedAt = (item: OnAirRecord, now: number) => !!item.endsAt && Date.parse(item.endsAt) <= now

export const person = (user: { id: string, displayName: string }): PersonRef => ({ id: user.id, displayName: user.displayName })
