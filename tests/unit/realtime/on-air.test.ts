// Polls, questions and giveaways through the room hub (PROTOCOL.md "On air"): who may send each
// message, what the room hears (coalesced counts), one vote per account, bans and blocked words,
// one entry per browser, and a draw anyone can recompute from the revealed seed.
import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { AuthUser } from '../../../server/utils/jwt'
import { startLivestream, stopLivestream } from '../../../server/domain/livestreams'
import { eraseCustomer, exportCustomer } from '../../../server/domain/customer-data'
import { enterGiveaway } from '../../../server/domain/giveaways'
import { onAirOf } from '../../../server/domain/on-air'
import { wirePolls } from '../../../server/domain/poll-lifecycle'
import { BATCH_TICK_MS } from '../../../server/realtime/room-batcher'
import { COUNTER_INTERVAL_MS } from '../../../server/realtime/room-events'
import { hubHarness, sessionId, type Harness, type TestConnection } from '../../support/hub-harness'

let harness: Harness
let unwire: (() => void) | undefined
afterEach(async () => {
  unwire?.()
  await harness?.hub.shutdown()
})

async function account(role: AuthUser['role'], displayName: string, extra: { deviceId?: string } = {}): Promise<AuthUser> {
  const user = await harness.store.createUser({ role, displayName, ...extra })
  return { id: user.id, role, displayName }
}

let seat = 0
async function join(livestreamId: string, user: AuthUser | null, from: { deviceId?: string, address?: string } = {}) {
  const socket = harness.connect(user, from)
  await socket.say({ type: 'register', livestreamId, sessionId: sessionId(++seat) })
  return socket
}

async function setUp() {
  harness = hubHarness()
  unwire = wirePolls(harness.core)
  const stream = await harness.store.createLivestream({ title: 'On air', description: '', quality: '720p' })
  await startLivestream(harness.core, stream.id)
  const host = await join(stream.id, await account('admin', 'Host'))
  const mod = await join(stream.id, await account('moderator', 'Mo'))
  return { id: stream.id, host, mod }
}

const settle = () => harness.tick(BATCH_TICK_MS)
const errorOf = (socket: TestConnection) => socket.last('error')

/** The draw as README "Giveaways" states it, written again here from the words, not the code. */
function recompute(seed: string, entrants: string[], count: number) {
  const pool = [...entrants].sort()
  const winners: string[] = []
  for (let round = 0; round < count && pool.length; round++) {
    const hash = createHash('sha256').update(`${seed}:${round}`).digest()
    let value = 0n
    for (const byte of hash) value = (value << 8n) | BigInt(byte)
    winners.push(pool.splice(Number(value % BigInt(pool.length)), 1)[0]!)
  }
  return winners
}

describe('polls', () => {
  it('staff start one; votes reach every screen coalesced, one per account (a second replaces the first); it ends with its counts', async () => {
    const { id, host, mod } = await setUp()
    const ann = await join(id, await account('customer', 'Ann'))
    await ann.say({ type: 'poll_start', question: 'Which shade next?', options: ['Rose', 'Coral'] })
    expect(errorOf(ann)).toMatchObject({ code: 'FORBIDDEN', ref: 'poll_start' })
    const anonymous = await join(id, null)
    await anonymous.say({ type: 'poll_start', question: 'Q', options: ['a', 'b'] })
    expect(errorOf(anonymous)).toMatchObject({ code: 'FORBIDDEN' })
    await mod.say({ type: 'poll_start', question: 'Which shade next?', options: ['Rose', 'Coral', 'Rose'] })
    expect(errorOf(mod)).toMatchObject({ code: 'BAD_MESSAGE' })

    await mod.say({ type: 'poll_start', question: 'Which shade next?', options: ['Rose', 'Coral', 'Nude'], seconds: 60 })
    await settle()
    const { poll } = ann.last('poll_started')!
    expect(poll).toMatchObject({ question: 'Which shade next?', options: ['Rose', 'Coral', 'Nude'], counts: [0, 0, 0], startedBy: { displayName: 'Mo' } })
    await host.say({ type: 'poll_start', question: 'Another', options: ['a', 'b'] })
    expect(errorOf(host)).toMatchObject({ code: 'CONFLICT' })

    const voters = await Promise.all(Array.from({ length: 12 }, async (_, n) => join(id, await account('customer', `Voter ${n}`))))
    for (const [n, voter] of voters.entries()) await voter.say({ type: 'poll_vote', pollId: poll.id, option: n % 3 })
    await anonymous.say({ type: 'poll_vote', pollId: poll.id, option: 0 })
    expect(errorOf(anonymous)).toMatchObject({ code: 'UNAUTHORIZED' })
    await voters[0]!.say({ type: 'poll_vote', pollId: poll.id, option: 7 })
    expect(errorOf(voters[0]!)).toMatchObject({ code: 'BAD_MESSAGE' })
    await voters[0]!.say({ type: 'poll_vote', pollId: poll.id, option: 1 })
    await settle()
    await harness.tick(COUNTER_INTERVAL_MS)
    await settle()
    // Thirteen votes, at most two frames to each screen, the last one right: a change of mind moved one vote.
    const updates = ann.all('poll_updated')
    expect(updates.length).toBeGreaterThanOrEqual(1)
    expect(updates.length).toBeLessThanOrEqual(2)
    expect(updates.at(-1)).toMatchObject({ pollId: poll.id, counts: [3, 5, 4] })

    // A banned customer's vote does not count.
    await mod.say({ type: 'mod_ban', userId: voters[1]!.user!.id })
    await voters[1]!.say({ type: 'poll_vote', pollId: poll.id, option: 2 })
    expect(errorOf(voters[1]!)).toMatchObject({ code: 'FORBIDDEN' })

    await host.say({ type: 'poll_end', pollId: poll.id })
    await settle()
    expect(ann.last('poll_ended')).toMatchObject({ pollId: poll.id, counts: [3, 5, 4], poll: { endedAt: expect.any(String) } })
    await voters[2]!.say({ type: 'poll_vote', pollId: poll.id, option: 0 })
    expect(errorOf(voters[2]!)).toMatchObject({ code: 'CONFLICT' })
    // A second end says nothing more.
    await host.say({ type: 'poll_end', pollId: poll.id })
    await settle()
    expect(ann.all('poll_ended')).toHaveLength(1)
  })

  it('limits how fast one person answers: a burst of five votes, then slow down', async () => {
    const { id, mod } = await setUp()
    const ann = await join(id, await account('customer', 'Ann'))
    await mod.say({ type: 'poll_start', question: 'A or B?', options: ['A', 'B'] })
    await settle()
    const { poll } = ann.last('poll_started')!
    for (let n = 0; n < 6; n++) await ann.say({ type: 'poll_vote', pollId: poll.id, option: n % 2 })
    expect(ann.all('error').map(frame => frame.code)).toEqual(['RATE_LIMITED'])
    // The fifth vote (option 0) stands; the sixth was refused.
    expect(await harness.store.countOnAirResponses(poll.id)).toEqual({ 0: 1 })
  })

  it('ends by itself when its time is up, and with the show; a page that comes back gets it and its own vote', async () => {
    const { id, mod } = await setUp()
    const ann = await join(id, await account('customer', 'Ann'))
    await mod.say({ type: 'poll_start', question: 'Matte or gloss?', options: ['Matte', 'Gloss'], seconds: 30 })
    await settle()
    const { poll } = ann.last('poll_started')!
    await ann.say({ type: 'poll_vote', pollId: poll.id, option: 1 })
    expect((await onAirOf(harness.core, id, ann.user!)).mine.votes).toEqual({ [poll.id]: 1 })
    await harness.tick(30_000)
    await settle()
    expect(ann.last('poll_ended')).toMatchObject({ pollId: poll.id, counts: [0, 1] })

    await mod.say({ type: 'poll_start', question: 'Next look?', options: ['Day', 'Night'] })
    await settle()
    await stopLivestream(harness.core, id)
    await settle()
    expect(ann.all('poll_ended')).toHaveLength(2)
  })
})

describe('questions', () => {
  it('a customer asks; staff alone see the queue; a pinned question reaches the room, and answered clears it', async () => {
    const { id, host, mod } = await setUp()
    const ann = await join(id, await account('customer', 'Ann'))
    const bob = await join(id, await account('customer', 'Bob'))
    await ann.say({ type: 'question_ask', text: 'Is the serum fragrance-free?' })
    await settle()
    const asked = mod.last('question_asked')!.question
    expect(asked).toMatchObject({ text: 'Is the serum fragrance-free?', user: { displayName: 'Ann' }, status: 'open' })
    expect(host.last('question_asked')).toBeDefined()
    expect(ann.last('question_asked')).toMatchObject({ question: { id: asked.id } })
    expect(bob.last('question_asked')).toBeUndefined()

    await bob.say({ type: 'question_pin', questionId: asked.id })
    expect(errorOf(bob)).toMatchObject({ code: 'FORBIDDEN' })
    await mod.say({ type: 'question_pin', questionId: asked.id })
    await settle()
    expect(bob.last('question_pinned')).toMatchObject({ question: { id: asked.id, status: 'pinned', text: 'Is the serum fragrance-free?' } })
    await mod.say({ type: 'question_answered', questionId: asked.id })
    await settle()
    expect(bob.last('question_answered')).toEqual({ type: 'question_answered', livestreamId: id, questionId: asked.id })

    // Moderated like chat: blocked words, bans; the anonymous cannot ask.
    await mod.say({ type: 'chat_settings', blockedWords: ['dupe'] })
    await bob.say({ type: 'question_ask', text: 'Where is the cheap DUPE?' })
    expect(errorOf(bob)).toMatchObject({ code: 'FORBIDDEN' })
    await mod.say({ type: 'mod_ban', userId: ann.user!.id })
    await ann.say({ type: 'question_ask', text: 'Hello?' })
    expect(errorOf(ann)).toMatchObject({ code: 'FORBIDDEN' })
    const anonymous = await join(id, null)
    await anonymous.say({ type: 'question_ask', text: 'Hi' })
    expect(errorOf(anonymous)).toMatchObject({ code: 'UNAUTHORIZED' })
    expect(mod.all('question_asked')).toHaveLength(1)
    // Asking is limited per person: a burst of three, then slow down.
    for (let n = 0; n < 4; n++) await bob.say({ type: 'question_ask', text: `Question ${n}` })
    expect(errorOf(bob)).toMatchObject({ code: 'RATE_LIMITED' })
  })
})

describe('giveaways', () => {
  it('the admin opens one; entries by button and by keyword count once per account and per browser; the draw is recomputable and leaves the banned out', async () => {
    const { id, host, mod } = await setUp()
    await mod.say({ type: 'giveaway_start', prize: 'The full Glow set', seconds: 60 })
    expect(errorOf(mod)).toMatchObject({ code: 'FORBIDDEN' })
    await host.say({ type: 'giveaway_start', prize: 'The full Glow set', seconds: 60, keyword: 'glow' })
    await settle()
    const { giveaway } = mod.last('giveaway_started')!
    expect(giveaway).toMatchObject({ prize: 'The full Glow set', keyword: 'glow', entries: 0, seedHash: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(giveaway.seed).toBeUndefined()

    // Ten people in ten browsers; then three more guests made in the browser of the first: still one.
    const people = await Promise.all(Array.from({ length: 10 }, async (_, n) => join(id, await account('customer', `Fan ${n}`, { deviceId: `device-${n}` }), { deviceId: `device-${n}` })))
    for (const [n, fan] of people.entries()) {
      if (n % 2) await fan.say({ type: 'giveaway_enter', giveawayId: giveaway.id })
      else await fan.say({ type: 'chat_message', message: 'GLOW please!' })
      expect(fan.last('giveaway_entered'), `fan ${n}`).toEqual({ type: 'giveaway_entered', giveawayId: giveaway.id })
    }
    for (let n = 0; n < 3; n++) {
      const twin = await join(id, await account('customer', `Fan 0 again ${n}`), { deviceId: 'device-0' })
      await twin.say({ type: 'giveaway_enter', giveawayId: giveaway.id })
    }
    await host.say({ type: 'giveaway_enter', giveawayId: giveaway.id })
    expect(errorOf(host)).toMatchObject({ code: 'FORBIDDEN' })
    await settle()
    await harness.tick(COUNTER_INTERVAL_MS)
    await settle()
    expect(mod.last('giveaway_updated')).toMatchObject({ giveawayId: giveaway.id, entries: 10 })

    await host.say({ type: 'giveaway_draw', giveawayId: giveaway.id })
    expect(errorOf(host)).toMatchObject({ code: 'CONFLICT' })
    await mod.say({ type: 'mod_ban', userId: people[3]!.user!.id })
    await harness.tick(60_000)
    await people[5]!.say({ type: 'giveaway_enter', giveawayId: giveaway.id })
    expect(errorOf(people[5]!)).toMatchObject({ code: 'CONFLICT' })
    await host.say({ type: 'giveaway_draw', giveawayId: giveaway.id, winners: 3 })
    await settle()
    const drawn = people[0]!.last('giveaway_drawn')!
    expect(createHash('sha256').update(drawn.seed).digest('hex')).toBe(giveaway.seedHash)
    const { giveawayProof } = await import('../../../server/domain/giveaways')
    const { pool } = await giveawayProof(harness.core, id, giveaway.id)
    expect(pool).toHaveLength(9)
    expect(pool).not.toContain(people[3]!.user!.id)
    expect(drawn.winners.map((winner: { id: string }) => winner.id)).toEqual(recompute(drawn.seed, pool!, 3))
    expect(drawn.winners).toHaveLength(3)
    // Drawn once: a second draw answers the same winners and tells nobody again.
    await host.say({ type: 'giveaway_draw', giveawayId: giveaway.id, winners: 3 })
    await settle()
    expect(people[0]!.all('giveaway_drawn')).toHaveLength(1)
    // Kept in the moderation record.
    const record = (await harness.store.listModeration(id)).filter(action => action.action === 'giveaway')
    expect(record.map(action => action.details?.seed)).toEqual([undefined, drawn.seed])
  })

  it('1,000 entries from 500 guest accounts made in 20 browsers, sent at once, count as 20 people', async () => {
    const { id, host } = await setUp()
    await host.say({ type: 'giveaway_start', prize: 'A lipstick', seconds: 120 })
    await settle()
    const { giveaway } = host.last('giveaway_started')!
    const guests = await Promise.all(Array.from({ length: 500 }, async (_, n) => ({ user: await account('customer', `Guest ${n}`), deviceId: `browser-${n % 20}`, address: '203.0.113.9' })))
    // Each guest enters twice, all at once: the store keeps one entry per account and per browser.
    const kept = await Promise.all(guests.flatMap(guest => [guest, guest]).map(guest => enterGiveaway(harness.core, id, guest, giveaway.id)))
    expect(kept.filter(Boolean)).toHaveLength(20)
    expect((await onAirOf(harness.core, id)).giveaways[0]!.entries).toBe(20)
  })
})

describe('a customer\'s data', () => {
  it('exports their questions, votes and entries, and erasure renames them there and in the giveaways they won', async () => {
    const { id, host, mod } = await setUp()
    const ann = await join(id, await account('customer', 'Ann'), { deviceId: 'ann-phone' })
    await ann.say({ type: 'question_ask', text: 'Does it suit oily skin?' })
    await mod.say({ type: 'poll_start', question: 'Matte or gloss?', options: ['Matte', 'Gloss'] })
    await host.say({ type: 'giveaway_start', prize: 'A set', seconds: 30 })
    await settle()
    await ann.say({ type: 'poll_vote', pollId: ann.last('poll_started')!.poll.id, option: 1 })
    const giveawayId = ann.last('giveaway_started')!.giveaway.id
    await ann.say({ type: 'giveaway_enter', giveawayId })
    await harness.tick(30_000)
    await host.say({ type: 'giveaway_draw', giveawayId })
    await settle()
    expect(ann.last('giveaway_drawn')!.winners).toEqual([{ id: ann.user!.id, displayName: 'Ann' }])

    const exported = await exportCustomer(harness.core, ann.user!.id, { kind: 'self' })
    expect(exported.questions.map(question => question.text)).toEqual(['Does it suit oily skin?'])
    expect(exported.onAirAnswers.map(answer => answer.value)).toEqual([1, 1])
    await eraseCustomer(harness.core, ann.user!.id, { kind: 'self' })
    const after = await onAirOf(harness.core, id, { id: 'staff', role: 'admin' })
    expect(after.questions[0]!.user).toEqual({ id: ann.user!.id, displayName: 'Deleted user' })
    expect(after.giveaways[0]!.winners).toEqual([{ id: ann.user!.id, displayName: 'Deleted user' }])
    expect((await harness.store.listOnAirResponses(giveawayId)).map(entry => entry.displayName)).toEqual(['Deleted user'])
  })
})
