// Giveaways (PROTOCOL.md "On air"): the admin opens an entry window with a prize; signed-in viewers
// enter with a button or by sending the keyword in chat, once each (by account and by browser, so
// guests made in one browser count once); no purchase is asked. After the window the admin draws:
// banned and paused people are left out, and the draw is checkable (giveaway-draw.ts). Every step
// is kept in the show's moderation record.
import type { Giveaway, PersonRef } from '#shared/types/models'
import { isStaff } from '#shared/utils/roles'
import type { OnAirRecord } from '../db'
import { isoNow, type Core } from './core'
import { DomainError } from './errors'
import { commitSeed, drawWinners } from './giveaway-draw'
import { assertMayTakePart, keepAction, participationCheck, type Participant } from './moderation'
import { isClosedAt, itemOf, newItem, requireLive } from './on-air-items'

interface GiveawayData { prize: string, keyword?: string, seed: string, seedHash: string, winners?: PersonRef[], pool?: string[], drawnAt?: string }

/** How many are in: entries are responses of value 1, one per person. */
export const entriesOf = async (core: Pick<Core, 'store'>, giveawayId: string) => (await core.store.countOnAirResponses(giveawayId))[1] ?? 0

/** As the room sees it: the seed only once the winners are drawn. */
export async function presentGiveaway(core: Pick<Core, 'store'>, item: OnAirRecord): Promise<Giveaway> {
  const data = item.data as unknown as GiveawayData
  const drawn = item.status === 'drawn'
  return {
    id: item.id,
    livestreamId: item.livestreamId,
    prize: data.prize,
    ...(data.keyword ? { keyword: data.keyword } : {}),
    seedHash: data.seedHash,
    startsAt: item.createdAt,
    endsAt: item.endsAt!,
    entries: await entriesOf(core, item.id),
    ...(drawn ? { drawnAt: data.drawnAt, seed: data.seed, winners: data.winners } : {}),
  }
}

/** The record of the giveaway's steps, for the moderators (PROTOCOL.md: kept in the moderation record). */
const keepInRecord = (core: Core, livestreamId: string, actor: PersonRef, summary: string, details: Record<string, unknown>) =>
  keepAction(core, { livestreamId, moderatorId: actor.id, moderatorName: actor.displayName, action: 'giveaway', details: { summary, ...details } })

export async function startGiveaway(core: Core, livestreamId: string, admin: PersonRef, input: { prize: string, seconds: number, keyword?: string }): Promise<Giveaway> {
  await requireLive(core, livestreamId, 'giveaways run')
  const open = (await core.store.listOnAir(livestreamId, 'giveaway')).find(item => item.status === 'open')
  if (open) throw new DomainError('conflict', 'a giveaway is open: draw it first', { giveawayId: open.id })
  const endsAt = new Date(core.clock.now() + input.seconds * 1000).toISOString()
  const item = newItem(core, livestreamId, 'giveaway', admin, 'open', { prize: input.prize, ...(input.keyword ? { keyword: input.keyword } : {}), ...commitSeed() }, endsAt)
  await core.store.createOnAir(item)
  const giveaway = await presentGiveaway(core, item)
  await keepInRecord(core, livestreamId, admin, `opened the giveaway “${input.prize}”`, { giveawayId: item.id, endsAt, seedHash: giveaway.seedHash })
  core.events.emit('giveawayStarted', giveaway)
  return giveaway
}

/** One entry per account and per browser; answers whether this one was new. */
export async function enterGiveaway(core: Core, livestreamId: string, entrant: Participant & { user: PersonRef & { role: Participant['user']['role'] } }, giveawayId: string) {
  const item = await itemOf(core, livestreamId, 'giveaway', giveawayId)
  if (item.status !== 'open' || isClosedAt(item, core.clock.now())) throw new DomainError('conflict', 'entries to this giveaway are closed')
  if (isStaff(entrant.user.role)) throw new DomainError('forbidden', 'the show\'s staff cannot enter its giveaways')
  await assertMayTakePart(core, livestreamId, entrant, 'enter')
  const entered = await core.store.respondOnAir({
    itemId: giveawayId, livestreamId, userId: entrant.user.id, displayName: entrant.user.displayName, ...(entrant.deviceId ? { deviceId: entrant.deviceId } : {}), value: 1, at: isoNow(core),
  }, 'once')
  if (entered) core.events.emit('giveawayEntered', { livestreamId, giveawayId })
  return entered
}

/**
 * A chat line that has the open giveaway's keyword as one of its words (any case) enters its
 * sender; answers the giveaway's id when they are in (now or before), else null.
 */
export async function enterByKeyword(core: Core, livestreamId: string, sender: Parameters<typeof enterGiveaway>[2], message: string): Promise<string | null> {
  if (isStaff(sender.user.role)) return null
  const now = core.clock.now()
  const open = (await core.store.listOnAir(livestreamId, 'giveaway')).find(item => item.status === 'open' && !isClosedAt(item, now))
  const keyword = (open?.data as GiveawayData | undefined)?.keyword?.toLowerCase()
  if (!open || !keyword || !message.toLowerCase().split(/\s+/).includes(keyword)) return null
  return enterGiveaway(core, livestreamId, sender, open.id).then(() => open.id, () => null)
}

/** After the entry window: the winners drawn from the seed and the entrants still allowed to take part; once. */
export async function drawGiveaway(core: Core, livestreamId: string, admin: PersonRef, giveawayId: string, count = 1): Promise<Giveaway> {
  const item = await itemOf(core, livestreamId, 'giveaway', giveawayId)
  if (item.status === 'drawn') return presentGiveaway(core, item)
  if (!isClosedAt(item, core.clock.now())) throw new DomainError('conflict', 'entries are still open: draw when the window closes', { endsAt: item.endsAt })
  const data = item.data as unknown as GiveawayData
  const entries = await core.store.listOnAirResponses(giveawayId)
  const mayTakePart = await participationCheck(core, livestreamId)
  const eligible = []
  for (const entry of entries) {
    if (await mayTakePart({ user: { id: entry.userId, role: 'customer' }, deviceId: entry.deviceId })) eligible.push(entry)
  }
  const pool = eligible.map(entry => entry.userId).sort()
  const names = new Map(eligible.map(entry => [entry.userId, entry.displayName]))
  const winners = drawWinners(data.seed, pool, count).map(id => ({ id, displayName: names.get(id)! }))
  const drawn = await core.store.updateOnAir(giveawayId, { status: 'drawn', data: { ...data, winners, pool, drawnAt: isoNow(core) } }, ['open'])
  // Another process drew it a moment before: its draw stands.
  if (!drawn) return presentGiveaway(core, (await core.store.getOnAir(giveawayId))!)
  const giveaway = await presentGiveaway(core, drawn)
  await keepInRecord(core, livestreamId, admin, `drew “${data.prize}” from ${pool.length} entrants: ${winners.map(winner => winner.displayName).join(', ') || 'no winner'}`, { giveawayId, seed: data.seed, winners: winners.map(winner => winner.id) })
  core.events.emit('giveawayDrawn', giveaway)
  return giveaway
}

/** A drawn giveaway and the sorted pool it was drawn from: what anyone needs to check the draw. */
export async function giveawayProof(core: Core, livestreamId: string, giveawayId: string) {
  const item = await itemOf(core, livestreamId, 'giveaway', giveawayId)
  const giveaway = await presentGiveaway(core, item)
  return { giveaway, ...(item.status === 'drawn' ? { pool: (item.data as unknown as GiveawayData).pool ?? [] } : {}) }
}
