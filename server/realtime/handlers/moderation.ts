import { banUser, deleteChatMessage, moderatorOf, releaseChatMessage, timeoutUser, unbanUser, updateChatSettings } from '../../domain/moderation'
import type { Connection } from '../connection'
import type { HubContext } from '../context'
import { requireRoom } from './guards'
import type { MessageHandler } from './types'

/**
 * An admin or moderator acting in the room their socket registered in. The role is the account's
 * as stored now, so a moderator removed mid-show can no longer act from a socket still open.
 */
export async function moderating(ctx: HubContext, connection: Connection) {
  // Anyone else, signed in or not, is FORBIDDEN (PROTOCOL.md, "Moderation").
  const account = await moderatorOf(ctx.core, connection.user?.id ?? '')
  const room = requireRoom(connection)
  return { room, actor: { id: account.id, displayName: account.displayName, role: account.role } }
}

export const chatDelete: MessageHandler<'chat_delete'> = async (ctx, connection, { messageId }) => {
  const { room, actor } = await moderating(ctx, connection)
  await deleteChatMessage(ctx.core, room, actor, messageId)
}

export const chatRelease: MessageHandler<'chat_release'> = async (ctx, connection, { messageId }) => {
  const { room, actor } = await moderating(ctx, connection)
  await releaseChatMessage(ctx.core, room, actor, messageId)
}

export const modTimeout: MessageHandler<'mod_timeout'> = async (ctx, connection, { userId, seconds }) => {
  const { room, actor } = await moderating(ctx, connection)
  await timeoutUser(ctx.core, room, actor, userId, seconds)
}

export const modBan: MessageHandler<'mod_ban'> = async (ctx, connection, { userId }) => {
  const { room, actor } = await moderating(ctx, connection)
  await banUser(ctx.core, room, actor, userId)
}

export const modUnban: MessageHandler<'mod_unban'> = async (ctx, connection, { userId }) => {
  const { room, actor } = await moderating(ctx, connection)
  await unbanUser(ctx.core, room, actor, userId)
}

export const chatSettings: MessageHandler<'chat_settings'> = async (ctx, connection, { type: _type, ...change }) => {
  const { room, actor } = await moderating(ctx, connection)
  await updateChatSettings(ctx.core, room, actor, change)
}
