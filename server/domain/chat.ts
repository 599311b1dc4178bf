import { createError } from 'h3'
import type { ChatMessage } from '#shared/types/models'
import type { ChatRecord, Store } from '../db'
import type { AuthUser } from '../utils/jwt'
import { roomEvents } from '../realtime/events'
import { findLivestream } from './livestreams'

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
export async function chatHistory(store: Store, livestreamId: string, limit = 50) {
  return (await store.listChat(livestreamId, { limit })).map(presentChat)
}

/** A page of a stream's chat, oldest first: the newest `limit`, or those before message `before`. */
export async function chatPage(store: Store, livestreamId: string, query: { before?: string, limit: number }) {
  await findLivestream(store, livestreamId)
  let before: ChatRecord | undefined
  if (query.before) {
    const found = await store.getChat(query.before)
    if (!found || found.livestreamId !== livestreamId) throw createError({ statusCode: 404, message: 'no such chat message in this livestream' })
    before = found
  }
  const items = await store.listChat(livestreamId, { before, limit: query.limit })
  return { items: items.map(presentChat) }
}

/** Stores a chat line from `user` and tells the room. Chat closes when the show ends. */
export async function postChat(store: Store, livestreamId: string, user: AuthUser, message: string, clientId?: string) {
  const stream = await findLivestream(store, livestreamId)
  if (stream.status === 'ended') throw createError({ statusCode: 409, message: 'this show has ended; its chat is closed' })
  const record = await store.appendChat({
    livestreamId,
    userId: user.id,
    displayName: user.displayName,
    role: user.role,
    message,
    ...(clientId ? { clientId } : {}),
    createdAt: new Date().toISOString(),
  })
  const chat = presentChat(record)
  roomEvents.emit('chat', chat)
  return chat
}
