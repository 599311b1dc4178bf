import type { ChatMessage, Role } from '#shared/types/models'
import type { ChatRecord } from '../db'
import { isoNow, type Core } from './core'
import { DomainError } from './errors'
import { findLivestream } from './livestreams'

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

/** Stores a chat line from `user` and tells the room. Chat closes when the show ends. */
export async function postChat(core: Core, livestreamId: string, user: Speaker, message: string, clientId?: string) {
  const stream = await findLivestream(core, livestreamId)
  if (stream.status === 'ended') throw new DomainError('conflict', 'this show has ended; its chat is closed')
  const record = await core.store.appendChat({
    livestreamId,
    userId: user.id,
    displayName: user.displayName,
    role: user.role,
    message,
    ...(clientId ? { clientId } : {}),
    createdAt: isoNow(core),
  })
  const chat = presentChat(record)
  core.events.emit('chat', chat)
  return chat
}
