import type { ChatMessage, Role } from '#shared/types/models'
import type { ChatRecord } from '../db'
import { blockedWordIn, hasLink } from './chat-rules'
import { isoNow, type Core } from './core'
import { DomainError } from './errors'
import { findLivestream } from './livestreams'
import { assertMayTakePart, chatSettingsOf, isStaff, type Participant } from './moderation'

/** Who says a chat line: the server vouches for it, whatever a client claims. */
export interface Speaker { id: string, displayName: string, role: Role }

/** A stored chat line as clients see it: the sender as a `user` object the server vouches for. */
export function presentChat(record: ChatRecord): ChatMessage {
  return {
    id: record.id,
    livestreamId: record.livestreamId,
    user: { id: record.userId, displayName: record.displayName, role: record.role },
    message: record.message,
    createdAt: record.createdAt,
    ...(record.clientId ? { clientId: record.clientId } : {}),
    ...(record.status === 'held' ? { held: true } : {}),
  }
}

/** The last lines of a stream's chat, oldest first: what a socket gets on arrival. */
export async function chatHistory(core: Core, livestreamId: string, limit = 50) {
  return (await core.store.listChat(livestreamId, { limit })).map(presentChat)
}

/** A page of a stream's chat, oldest first: the newest `limit`, or those before message `before`. */
export async function chatPage(core: Core, livestreamId: string, query: { before?: string, limit: number }) {
  await findLivestream(core, livestreamId)
  let before: ChatRecord | undefined
  if (query.before) {
    const found = await core.store.getChat(query.before)
    if (!found || found.livestreamId !== livestreamId) throw new DomainError('not_found', 'no such chat message in this livestream')
    before = found
  }
  const items = await core.store.listChat(livestreamId, { before, limit: query.limit })
  return { items: items.map(presentChat) }
}

/** Where a line comes from: the speaker, and the browser and address they send from (for bans). */
export type ChatSender = Participant & { user: Speaker }

/**
 * Stores a chat line and tells the room, under the show's rules: a banned or paused sender is
 * refused, slow mode spaces a customer's lines, a blocked word refuses the line, and a line with a
 * link waits for a moderator when the show holds links (only moderators and its author hear of
 * it). Moderators and admins are held by none of these. Chat closes when the show ends.
 */
export async function postChat(core: Core, livestreamId: string, sender: ChatSender, message: string, clientId?: string) {
  const stream = await findLivestream(core, livestreamId)
  if (stream.status === 'ended') throw new DomainError('conflict', 'this show has ended; its chat is closed')
  const { user } = sender
  let held = false
  if (!isStaff(user.role)) {
    await assertMayTakePart(core, livestreamId, sender, 'chat')
    const rules = chatSettingsOf(stream)
    if (rules.slowModeSeconds) {
      const last = await core.store.lastChatOf(livestreamId, user.id)
      const waitMs = last ? Date.parse(last.createdAt) + rules.slowModeSeconds * 1000 - core.clock.now() : 0
      if (waitMs > 0) {
        const retryAfterSeconds = Math.ceil(waitMs / 1000)
        throw new DomainError('rate_limited', `slow mode is on: one message every ${rules.slowModeSeconds} s, wait ${retryAfterSeconds} s`, { retryAfterSeconds })
      }
    }
    if (blockedWordIn(message, rules.blockedWords)) throw new DomainError('forbidden', 'this show\'s moderators do not allow a word in that message')
    held = rules.holdLinks && hasLink(message)
  }
  const record = await core.store.appendChat({
    livestreamId,
    userId: user.id,
    displayName: user.displayName,
    role: user.role,
    message,
    ...(clientId ? { clientId } : {}),
    ...(held ? { status: 'held' as const } : {}),
    createdAt: isoNow(core),
  })
  const chat = presentChat(record)
  core.events.emit(held ? 'chatHeld' : 'chat', chat)
  return chat
}
