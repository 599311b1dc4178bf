import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { ChatMessage, ModerationEntry } from '#shared/types/models'
import { useModerationStore } from '~/stores/moderation'
import { useRoomStore } from '~/stores/room'
import { fakeSocket } from './fakes'

const line = (id: string, userId = 'u1', message = `line ${id}`): ChatMessage => ({
  id, livestreamId: 's1', user: { id: userId, displayName: userId === 'u1' ? 'Ann' : 'Bob', role: 'customer' }, message, createdAt: '2026-12-01T10:00:00.000Z',
})
const mo = { id: 'm1', displayName: 'Mo' }
const entry = (id: string, fields: Partial<ModerationEntry>): ModerationEntry => ({ id, action: 'delete', moderator: mo, createdAt: '2026-12-01T10:00:01.000Z', ...fields })

beforeEach(() => setActivePinia(createPinia()))

describe('the moderation store', () => {
  it('loads a show\'s state and follows the room: held lines, actions from other moderators, rules', async () => {
    const fetch = vi.fn(async () => ({ actions: [], held: [line('h1')], bans: [], settings: { slowModeSeconds: 0, blockedWords: [], holdLinks: true } }))
    vi.stubGlobal('$fetch', fetch)
    const moderation = useModerationStore()
    const socket = fakeSocket()
    moderation.attach(socket)
    await moderation.load('s1')
    expect(fetch).toHaveBeenCalledWith('/api/livestreams/s1/moderation')
    expect(moderation.held.map(held => held.id)).toEqual(['h1'])

    socket.receive({ type: 'chat_held', message: line('h2', 'u2') })
    socket.receive({ type: 'chat_held', message: line('h2', 'u2') })
    expect(moderation.held.map(held => held.id)).toEqual(['h1', 'h2'])
    // Another moderator releases one; a third deletes the other.
    socket.receive({ type: 'moderation_action', livestreamId: 's1', action: entry('a1', { action: 'release', messageId: 'h1', target: { id: 'u1', displayName: 'Ann' } }) })
    socket.receive({ type: 'chat_deleted', livestreamId: 's1', messageId: 'h2' })
    expect(moderation.held).toEqual([])

    socket.receive({ type: 'moderation_action', livestreamId: 's1', action: entry('a2', { action: 'timeout', until: '2026-12-01T10:10:00.000Z', target: { id: 'u1', displayName: 'Ann' } }) })
    socket.receive({ type: 'moderation_action', livestreamId: 's1', action: entry('a3', { action: 'ban', target: { id: 'u2', displayName: 'Bob' } }) })
    socket.receive({ type: 'moderation_action', livestreamId: 's1', action: entry('a3', { action: 'ban', target: { id: 'u2', displayName: 'Bob' } }) })
    expect(moderation.bans.map(ban => [ban.user.id, ban.kind])).toEqual([['u1', 'timeout'], ['u2', 'ban']])
    expect(moderation.actions.map(action => action.id)).toEqual(['a1', 'a2', 'a3'])
    expect(moderation.restricted.has('u2')).toBe(true)
    // A pause that ran out leaves the list; an unban lifts a ban.
    moderation.prune(Date.parse('2026-12-01T10:10:00.001Z'))
    socket.receive({ type: 'moderation_action', livestreamId: 's1', action: entry('a4', { action: 'unban', target: { id: 'u2', displayName: 'Bob' } }) })
    expect(moderation.bans).toEqual([])

    socket.receive({ type: 'chat_settings_updated', livestreamId: 's1', slowModeSeconds: 10, blockedWords: ['spam'], holdLinks: false })
    expect(moderation.settings).toEqual({ slowModeSeconds: 10, blockedWords: ['spam'], holdLinks: false })
    vi.unstubAllGlobals()
  })

  it('sends each action on the socket, and shows the server\'s refusal of one', () => {
    const moderation = useModerationStore()
    const socket = fakeSocket()
    moderation.attach(socket)
    moderation.remove(socket, 'm1')
    moderation.timeout(socket, 'u1', 600)
    moderation.ban(socket, 'u2')
    moderation.saveSettings(socket, { slowModeSeconds: 30, blockedWords: ['x'], holdLinks: true })
    expect(socket.sent).toEqual([
      { type: 'chat_delete', messageId: 'm1' },
      { type: 'mod_timeout', userId: 'u1', seconds: 600 },
      { type: 'mod_ban', userId: 'u2' },
      { type: 'chat_settings', slowModeSeconds: 30, blockedWords: ['x'], holdLinks: true },
    ])
    socket.receive({ type: 'error', code: 'FORBIDDEN', message: 'moderators and admins cannot be timed out or banned', ref: 'mod_ban' })
    expect(moderation.problem).toBe('moderators and admins cannot be timed out or banned')
    socket.receive({ type: 'error', code: 'RATE_LIMITED', message: 'slow down', ref: 'chat_message' })
    expect(moderation.problem).toBe('moderators and admins cannot be timed out or banned')
  })
})

describe('the room store under moderation', () => {
  it('drops a deleted line, keeps the rules, and tells the author their line waits for review', () => {
    const room = useRoomStore()
    const socket = fakeSocket()
    room.attach(socket)
    socket.receive({ type: 'chat_history', items: [line('1'), line('2')] })
    socket.receive({ type: 'chat_deleted', livestreamId: 's1', messageId: '1' })
    expect(room.chat.map(message => message.id)).toEqual(['2'])
    socket.receive({ type: 'chat_settings_updated', livestreamId: 's1', slowModeSeconds: 30, blockedWords: [], holdLinks: true })
    expect(room.chatSettings).toEqual({ slowModeSeconds: 30, blockedWords: [], holdLinks: true })

    room.sendChat(socket, 'see example.com')
    const { clientId } = socket.sent.at(-1) as { clientId: string }
    socket.receive({ type: 'chat_held', message: { ...line('3'), clientId, held: true } })
    expect(room.chatNotice).toMatch(/once a moderator has looked at it/)
    expect(room.chat.map(message => message.id)).toEqual(['2'])
  })
})
