// Polls (PROTOCOL.md "On air"): staff ask the room; each signed-in viewer has one vote per poll (a
// second replaces the first); the counts reach every screen, coalesced like the counters; a poll
// ends when staff end it, when its time is up (poll-lifecycle.ts) or with the show.
import type { Poll, PersonRef } from '#shared/types/models'
import type { OnAirRecord } from '../db'
import { isoNow, type Core } from './core'
import { DomainError } from './errors'
import { assertMayTakePart, type Participant } from './moderation'
import { isClosedAt, itemOf, newItem, person, requireLive } from './on-air-items'
import { findLivestream } from './livestreams'

/** A prepared poll's `startedAt` is when the console started it, not when it was prepared. */
interface PollData { question: string, options: string[], startedBy: PersonRef, seconds?: number, startedAt?: string }

export async function presentPoll(core: Pick<Core, 'store'>, item: OnAirRecord): Promise<Poll> {
  const data = item.data as unknown as PollData
  const counted = item.status === 'draft' ? {} : await core.store.countOnAirResponses(item.id)
  return {
    id: item.id,
    livestreamId: item.livestreamId,
    question: data.question,
    options: data.options,
    counts: data.options.map((_, option) => counted[option] ?? 0),
    startedBy: data.startedBy,
    startedAt: data.startedAt ?? item.createdAt,
    ...(item.endsAt ? { endsAt: item.endsAt } : {}),
    ...(item.endedAt ? { endedAt: item.endedAt } : {}),
  }
}

/** A poll prepared before the show, kept as a draft until the console starts it. */
export async function preparePoll(core: Core, livestreamId: string, author: PersonRef, input: { question: string, options: string[], seconds?: number }) {
  const stream = await findLivestream(core, livestreamId)
  if (stream.status === 'ended') throw new DomainError('conflict', 'this show has ended')
  const item = newItem(core, livestreamId, 'poll', author, 'draft', { ...input, startedBy: person(author) })
  await core.store.createOnAir(item)
  return { ...(await presentPoll(core, item)), draft: true }
}

export async function dropPreparedPoll(core: Core, livestreamId: string, pollId: string) {
  await itemOf(core, livestreamId, 'poll', pollId)
  if (!await core.store.updateOnAir(pollId, { status: 'dropped' }, ['draft'])) throw new DomainError('conflict', 'only a poll not started yet can be removed')
}

/** The drafts of a show, for its console. */
export async function preparedPolls(core: Core, livestreamId: string) {
  const drafts = (await core.store.listOnAir(livestreamId, 'poll')).filter(item => item.status === 'draft')
  return Promise.all(drafts.map(async item => ({ ...(await presentPoll(core, item)), draft: true })))
}

/** Staff start a poll (a prepared one with `pollId`); one runs at a time in a show. */
export async function startPoll(core: Core, livestreamId: string, actor: PersonRef, input: { question: string, options: string[], seconds?: number, pollId?: string }): Promise<Poll> {
  await requireLive(core, livestreamId, 'polls run')
  const now = core.clock.now()
  const running = (await core.store.listOnAir(livestreamId, 'poll')).find(item => item.status === 'open' && !isClosedAt(item, now))
  if (running) throw new DomainError('conflict', 'a poll is running: end it first', { pollId: running.id })
  const endsAt = input.seconds ? new Date(now + input.seconds * 1000).toISOString() : undefined
  const data = { question: input.question, options: input.options, startedBy: person(actor), startedAt: isoNow(core) }
  let item: OnAirRecord
  if (input.pollId) {
    await itemOf(core, livestreamId, 'poll', input.pollId)
    const started = await core.store.updateOnAir(input.pollId, { status: 'open', data, ...(endsAt ? { endsAt } : {}) }, ['draft'])
    if (!started) throw new DomainError('conflict', 'that poll has been started already')
    item = started
  }
  else {
    item = newItem(core, livestreamId, 'poll', actor, 'open', data, endsAt)
    await core.store.createOnAir(item)
  }
  const poll = await presentPoll(core, item)
  core.events.emit('pollStarted', poll)
  return poll
}

/** A signed-in viewer's vote: one per poll, a later one replaces it; banned and paused people cannot vote. */
export async function votePoll(core: Core, livestreamId: string, voter: Participant & { user: PersonRef }, pollId: string, option: number) {
  const item = await itemOf(core, livestreamId, 'poll', pollId)
  const data = item.data as unknown as PollData
  if (item.status !== 'open' || isClosedAt(item, core.clock.now())) throw new DomainError('conflict', 'this poll has ended')
  if (option >= data.options.length) throw new DomainError('invalid', `this poll has ${data.options.length} options`)
  await assertMayTakePart(core, livestreamId, voter, 'vote')
  await core.store.respondOnAir({ itemId: pollId, livestreamId, userId: voter.user.id, displayName: voter.user.displayName, value: option, at: isoNow(core) }, 'replace')
  core.events.emit('pollVoted', { livestreamId, pollId })
}

/** Ends a running poll, said once whoever gets there first (staff, its time, the show's end). */
export async function endPoll(core: Core, livestreamId: string, pollId: string): Promise<Poll> {
  const item = await itemOf(core, livestreamId, 'poll', pollId)
  const ended = await core.store.updateOnAir(pollId, { status: 'ended', endedAt: isoNow(core) }, ['open'])
  if (!ended) return presentPoll(core, item)
  const poll = await presentPoll(core, ended)
  core.events.emit('pollEnded', poll)
  return poll
}
