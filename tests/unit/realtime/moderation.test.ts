// Moderation through the room hub: every action by an admin and by a moderator, every refusal for
// customers and anonymous sockets, and the rules (pauses, bans that follow a guest, slow mode,
// blocked words, held links), on a real store and a hand-moved clock.
import { afterEach, describe, expect, it } from 'vitest'
import type { AuthUser } from '../../../server/utils/jwt'
import { likeLivestream, startLivestream } from '../../../server/domain/livestreams'
import { assertMayTakePart } from '../../../server/domain/moderation'
import { BATCH_TICK_MS } from '../../../server/realtime/room-batcher'
import { createMemoryBus } from '../../../server/realtime/bus'
import { hubHarness, sessionId, type Harness, type TestConnection } from '../../support/hub-harness'
import { manualClock } from '../../support/manual-clock'

let harness: Harness
const others: Harness[] = []
afterEach(async () => {
  for (const one of [harness, ...others.splice(0)]) await one?.hub.shutdown()
})

/** An account in the store (moderation reads the account, not the token), as its token would carry it. */
async function account(role: AuthUser['role'], displayName: string, extra: { deviceId?: string, signupAddress?: string, email?: string } = {}): Promise<AuthUser> {
  const user = await harness.store.createUser({ role, displayName, ...extra })
  return { id: user.id, role, displayName }
}

async function liveShow() {
  const stream = await harness.store.createLivestream({ title: 'Moderated show', description: '', quality: '720p' })
  await startLivestream(harness.core, stream.id)
  return stream.id
}

let seat = 0
async function join(livestreamId: string, user: AuthUser | null, from: { deviceId?: string, address?: string } = {}, on = harness) {
  const socket = on.connect(user, from)
  await socket.say({ type: 'register', livestreamId, sessionId: sessionId(++seat) })
  return socket
}

async function say(socket: TestConnection, message: string) {
  await socket.say({ type: 'chat_message', message, clientId: `c-${message}` })
  await harness.tick(BATCH_TICK_MS)
}

const lines = (socket: TestConnection) => socket.all('chat_message').map(frame => frame.message)
const lastError = (socket: TestConnection) => socket.last('error')

describe('moderation over the socket', () => {
  for (const role of ['admin', 'moderator'] as const) {
    it(`lets ${role === 'admin' ? 'an admin' : 'a moderator'} delete a line for everyone, from the history too`, async () => {
      harness = hubHarness()
      const id = await liveShow()
      const mod = await join(id, await account(role, `The ${role}`))
      const ann = await join(id, await account('customer', 'Ann'))
      const bob = await join(id, await account('customer', 'Bob'))
      await say(ann, 'buy my course at spam dot com')
      const [line] = bob.all('chat_message')
      await mod.say({ type: 'chat_delete', messageId: line!.id })
      await harness.tick(BATCH_TICK_MS)
      for (const socket of [mod, ann, bob]) expect(socket.last('chat_deleted')).toEqual({ type: 'chat_deleted', livestreamId: id, messageId: line!.id })
      expect(await harness.store.listChat(id, { limit: 10 })).toEqual([])
      const late = await join(id, null)
      expect(late.last('chat_history')!.items).toEqual([])
      // It is in the record, with what was said.
      expect(mod.last('moderation_action')!.action).toMatchObject({ action: 'delete', messageId: line!.id, target: { displayName: 'Ann' }, details: { message: 'buy my course at spam dot com' } })
      expect(bob.all('moderation_action')).toEqual([])
    })
  }

  it('refuses every action from customers and anonymous sockets with FORBIDDEN, and changes nothing', async () => {
    harness = hubHarness()
    const id = await liveShow()
    const ann = await join(id, await account('customer', 'Ann'))
    const anonymous = await join(id, null)
    await say(ann, 'hello')
    const messageId = ann.last('chat_message')!.id
    const actions = [
      { type: 'chat_delete', messageId },
      { type: 'chat_release', messageId },
      { type: 'mod_timeout', userId: ann.user!.id, seconds: 60 },
      { type: 'mod_ban', userId: ann.user!.id },
      { type: 'mod_unban', userId: ann.user!.id },
      { type: 'chat_settings', slowModeSeconds: 30 },
    ]
    for (const socket of [ann, anonymous]) {
      for (const action of actions) {
        await socket.say(action)
        expect(lastError(socket)).toMatchObject({ code: 'FORBIDDEN', ref: action.type })
      }
    }
    expect(await harness.store.listChat(id, { limit: 10 })).toHaveLength(1)
    expect(await harness.store.listModeration(id)).toEqual([])
    expect((await harness.store.getLivestream(id))!.chatSettings).toBeUndefined()
    // A moderator removed mid-show cannot act from the socket still open.
    const mod = await join(id, await account('moderator', 'Mo'))
    await harness.store.deleteUser(mod.user!.id)
    await mod.say({ type: 'chat_delete', messageId })
    expect(lastError(mod)).toMatchObject({ code: 'FORBIDDEN' })
  })

  it('pauses a customer: chat, hearts and orders are refused until the time is up', async () => {
    harness = hubHarness()
    const id = await liveShow()
    const mod = await join(id, await account('moderator', 'Mo'))
    const ann = await join(id, await account('customer', 'Ann'))
    await mod.say({ type: 'mod_timeout', userId: ann.user!.id, seconds: 60 })
    expect(mod.last('moderation_action')!.action).toMatchObject({ action: 'timeout', target: { id: ann.user!.id } })
    await say(ann, 'can I talk?')
    expect(lastError(ann)).toMatchObject({ code: 'FORBIDDEN', ref: 'chat_message' })
    expect(lastError(ann)!.message).toMatch(/paused you: you can chat again in 60 seconds/)
    await expect(assertMayTakePart(harness.core, id, { user: ann.user! }, 'send hearts')).rejects.toMatchObject({ code: 'forbidden' })
    await expect(assertMayTakePart(harness.core, id, { user: ann.user! }, 'order')).rejects.toMatchObject({ code: 'forbidden' })
    // Out of range is a bad message, and nobody is paused by it.
    await mod.say({ type: 'mod_timeout', userId: ann.user!.id, seconds: 86_401 })
    expect(lastError(mod)).toMatchObject({ code: 'BAD_MESSAGE' })

    await harness.tick(60_001)
    await say(ann, 'back again')
    expect(lines(mod)).toEqual(['back again'])
    await expect(assertMayTakePart(harness.core, id, { user: ann.user! }, 'order')).resolves.toBeUndefined()
    expect(await likeLivestream(harness.core, id, 1)).toMatchObject({ likes: 1 })
  })

  it('bans a customer: their lines go, and a new guest or registered account from the same browser or, made after the ban, the same network is banned too', async () => {
    // The store dates accounts by the real clock: this hub's clock runs from now, so "made after the ban" means what it says.
    harness = hubHarness({ clock: manualClock(Date.now()) })
    const id = await liveShow()
    const mod = await join(id, await account('moderator', 'Mo'))
    const neighbour = await join(id, await account('customer', 'Neighbour', { signupAddress: '198.51.100.7' }), { address: '198.51.100.7' })
    const spammer = await join(id, await account('customer', 'Spammer', { deviceId: 'device-spam-0001', signupAddress: '198.51.100.7' }), { deviceId: 'device-spam-0001', address: '198.51.100.7' })
    await say(spammer, 'spam one')
    await say(spammer, 'spam two')
    await say(neighbour, 'what a lovely serum')
    await mod.say({ type: 'mod_ban', userId: spammer.user!.id })
    await harness.tick(BATCH_TICK_MS)
    expect(mod.all('chat_deleted')).toHaveLength(2)
    expect((await harness.store.listChat(id, { limit: 10 })).map(line => line.message)).toEqual(['what a lovely serum'])
    await say(spammer, 'spam three')
    expect(lastError(spammer)).toMatchObject({ code: 'FORBIDDEN' })

    // Cookies kept, a new guest name: the browser is banned.
    const sameBrowser = await join(id, await account('customer', 'Totally new', { deviceId: 'device-spam-0001' }), { deviceId: 'device-spam-0001' })
    await say(sameBrowser, 'spam four')
    expect(lastError(sameBrowser)).toMatchObject({ code: 'FORBIDDEN' })
    // Cookies cleared, a new guest from the same address after the ban: banned too.
    const bannedAt = Date.parse((await harness.store.listModeration(id))[0]!.createdAt)
    while (Date.now() <= bannedAt) await new Promise(resolve => setTimeout(resolve, 5))
    const sameNetwork = await join(id, await account('customer', 'Another', { deviceId: 'device-new-00001', signupAddress: '198.51.100.7' }), { deviceId: 'device-new-00001', address: '198.51.100.7' })
    await say(sameNetwork, 'spam five')
    expect(lastError(sameNetwork)).toMatchObject({ code: 'FORBIDDEN' })
    // Registering instead of a guest (524255a let that account chat): no email is verified, so it is a guest too.
    const registered = await join(id, await account('customer', 'Registered', { deviceId: 'device-new-00002', signupAddress: '198.51.100.7', email: `fresh-${Date.now()}@example.com` }), { deviceId: 'device-new-00002', address: '198.51.100.7' })
    await say(registered, 'spam six')
    expect(lastError(registered)).toMatchObject({ code: 'FORBIDDEN' })
    // Someone who was already there on that address is not.
    await say(neighbour, 'still here')
    expect(lastError(neighbour)).toBeUndefined()
    expect(lines(mod)).toContain('still here')

    // Lifted: they may talk again.
    await mod.say({ type: 'mod_unban', userId: spammer.user!.id })
    await say(spammer, 'sorry')
    expect(lines(mod)).toContain('sorry')
  })

  it('lets a newcomer from a banned address in once half an hour has passed since the ban', async () => {
    // The ban is dated by the hub's clock, 31 minutes ago; the newcomer's account by the real one, now.
    harness = hubHarness({ clock: manualClock(Date.now() - 31 * 60_000) })
    const id = await liveShow()
    const mod = await join(id, await account('moderator', 'Mo'))
    const spammer = await account('customer', 'Spammer', { deviceId: 'device-spam-0002', signupAddress: '203.0.113.5' })
    await mod.say({ type: 'mod_ban', userId: spammer.id })
    const newcomer = await join(id, await account('customer', 'Newcomer', { deviceId: 'device-other-001', signupAddress: '203.0.113.5' }), { address: '203.0.113.5' })
    await say(newcomer, 'hello all')
    expect(lastError(newcomer)).toBeUndefined()
    expect(lines(mod)).toEqual(['hello all'])
  })

  it('slow mode refuses a customer\'s second line inside the window; blocked words are refused as whole words in any case', async () => {
    harness = hubHarness()
    const id = await liveShow()
    const mod = await join(id, await account('moderator', 'Mo'))
    const ann = await join(id, await account('customer', 'Ann'))
    await mod.say({ type: 'chat_settings', slowModeSeconds: 30, blockedWords: ['Scam', 'kötü'] })
    await harness.tick(BATCH_TICK_MS)
    // Customers hear the rules but not the words; moderators hear both.
    expect(ann.last('chat_settings_updated')).toEqual({ type: 'chat_settings_updated', livestreamId: id, slowModeSeconds: 30, blockedWords: [], holdLinks: false })
    expect(mod.last('chat_settings_updated')).toMatchObject({ blockedWords: ['scam', 'kötü'] })

    await say(ann, 'first')
    await say(ann, 'second')
    expect(lastError(ann)).toMatchObject({ code: 'RATE_LIMITED', ref: 'chat_message' })
    expect(lastError(ann)!.message).toMatch(/slow mode is on: one message every 30 s, wait 30 s/)
    // Moderators are not slowed.
    await say(mod, 'mod one')
    await say(mod, 'mod two')
    await harness.tick(30_000)
    await say(ann, 'THIS IS A SCAM!')
    expect(lastError(ann)).toMatchObject({ code: 'FORBIDDEN' })
    await say(ann, 'çok KÖTÜ')
    expect(lastError(ann)).toMatchObject({ code: 'FORBIDDEN' })
    // "scampi" holds "scam" but not as a word; the refused lines did not start the slow-mode wait.
    await say(ann, 'scampi tonight')
    expect(lines(mod)).toEqual(['first', 'mod one', 'mod two', 'scampi tonight'])
    // A new socket hears the rules as it joins.
    const late = await join(id, null)
    expect(late.last('chat_settings_updated')).toMatchObject({ slowModeSeconds: 30, blockedWords: [] })
  })

  it('holds a line with a link for the moderators and its author until one releases it', async () => {
    harness = hubHarness()
    const id = await liveShow()
    const mod = await join(id, await account('moderator', 'Mo'))
    const studio = harness.connect(await account('admin', 'Host'))
    await studio.say({ type: 'register_admin', livestreamId: id })
    const ann = await join(id, await account('customer', 'Ann'))
    const bob = await join(id, await account('customer', 'Bob'))
    await mod.say({ type: 'chat_settings', holdLinks: true })
    await say(ann, 'my shade on www.example.com/shades')
    for (const staff of [mod, studio]) expect(staff.last('chat_held')!.message).toMatchObject({ message: 'my shade on www.example.com/shades', held: true })
    expect(ann.last('chat_held')!.message.clientId).toBe('c-my shade on www.example.com/shades')
    expect(bob.all('chat_held')).toEqual([])
    expect(lines(bob)).toEqual([])
    const heldId = mod.last('chat_held')!.message.id
    // Not in the history anyone gets, nor released by a customer.
    expect((await join(id, null)).last('chat_history')!.items).toEqual([])
    await bob.say({ type: 'chat_release', messageId: heldId })
    expect(lastError(bob)).toMatchObject({ code: 'FORBIDDEN' })

    await mod.say({ type: 'chat_release', messageId: heldId })
    await harness.tick(BATCH_TICK_MS)
    expect(lines(bob)).toEqual(['my shade on www.example.com/shades'])
    expect(bob.last('chat_message')!.held).toBeUndefined()
    // A second release finds nothing waiting.
    await mod.say({ type: 'chat_release', messageId: heldId })
    expect(lastError(mod)).toMatchObject({ code: 'CONFLICT' })
    // A line without a link goes through at once.
    await say(ann, 'no link here')
    expect(lines(bob)).toContain('no link here')
  })

  it('keeps every action in the record, and a ban made through one hub holds on another', async () => {
    harness = hubHarness()
    const other = hubHarness({ store: harness.store, bus: createMemoryBus(), clock: harness.clock })
    others.push(other)
    const id = await liveShow()
    const mod = await join(id, await account('moderator', 'Mo'))
    const ann = await account('customer', 'Ann')
    const annThere = await join(id, ann, {}, other)
    await mod.say({ type: 'mod_ban', userId: ann.id })
    await annThere.say({ type: 'chat_message', message: 'hello from the other process' })
    expect(annThere.last('error')).toMatchObject({ code: 'FORBIDDEN' })
    expect((await harness.store.listModeration(id)).map(action => [action.action, action.moderatorName, action.targetName])).toEqual([['ban', 'Mo', 'Ann']])
  })
})
