import { chatHistory } from '../../domain/chat'
import { DomainError } from '../../domain/errors'
import { findLivestream, presentLivestream, viewLivestream } from '../../domain/livestreams'
import { frame } from '../frames'
import { joinRoom } from '../membership'
import { requireRoom, requireUser } from './guards'
import type { HubContext } from '../context'
import type { MessageHandler } from './types'
import type { LivestreamRecord } from '../../db'
import { chatSettingsOf, isStaff } from '../../domain/moderation'
import type { Connection } from '../connection'

/**
 * Where the server carries the video, a socket that joins hears at once whether media is arriving
 * (later changes reach it as the room's media_state): the studio shows its encoder's state, and a
 * customer who arrives mid-show knows whether to wait.
 */
async function sendMediaState(ctx: HubContext, connection: Connection, livestreamId: string) {
  if (ctx.core.media.mode === 'p2p') return
  const { publishing } = await ctx.core.media.status(livestreamId)
  connection.send(frame({ type: 'media_state', livestreamId, publishing }))
}

/** A show whose moderators set chat rules tells whoever joins (customers without the blocked words). */
function sendChatSettings(connection: Connection, stream: LivestreamRecord) {
  if (!stream.chatSettings) return
  const settings = chatSettingsOf(stream)
  if (!isStaff(connection.user?.role)) settings.blockedWords = []
  connection.send(frame({ type: 'chat_settings_updated', livestreamId: stream.id, ...settings }))
}

/** The studio: this socket becomes the stream's broadcaster, replacing any other. */
export const registerAdmin: MessageHandler<'register_admin'> = async (ctx, connection, { livestreamId }) => {
  const user = requireUser(connection)
  if (user.role !== 'admin') throw new DomainError('forbidden', 'only an admin can broadcast')
  const stream = await findLivestream(ctx.core, livestreamId)
  await joinRoom(ctx, connection, livestreamId, 'broadcaster')
  const replaced = await ctx.bus.presence.setBroadcaster(livestreamId, connection.id)
  if (replaced) ctx.fanout.publish(livestreamId, { type: 'admin_replaced', livestreamId }, { to: replaced, demote: true })
  connection.send(frame({ type: 'admin_registered', livestreamId: stream.id }))
  connection.send(frame({ type: 'chat_history', items: await chatHistory(ctx.core, livestreamId) }))
  sendChatSettings(connection, stream)
  await sendMediaState(ctx, connection, livestreamId)
}

/** A viewer: counted as a view, in the room, answered with the stream and the recent chat. */
export const registerViewer: MessageHandler<'register'> = async (ctx, connection, { livestreamId, sessionId }) => {
  // Counting the view also proves the stream exists (404 otherwise) and reads it once for the answer.
  const { record } = await viewLivestream(ctx.core, livestreamId, sessionId, { address: connection.address, quietly: true })
  await joinRoom(ctx, connection, livestreamId, 'viewer', sessionId)
  const livestream = await presentLivestream(ctx.core, record)
  connection.send(frame({ type: 'registered', sessionId, viewerId: connection.id, livestream }))
  connection.send(frame({ type: 'chat_history', items: await chatHistory(ctx.core, livestreamId) }))
  sendChatSettings(connection, record)
  await sendMediaState(ctx, connection, livestreamId)
}

/** Marks the socket ready for WebRTC; the studio's readiness brings waiting customers back. */
export const webrtcRegister: MessageHandler<'webrtc_register'> = (ctx, connection, { userType }) => {
  const room = requireRoom(connection)
  if (userType === 'admin' && connection.role !== 'broadcaster') throw new DomainError('forbidden', 'register_admin first')
  if (userType === 'customer' && connection.role !== 'viewer') throw new DomainError('forbidden', 'the studio registers as admin')
  connection.webrtcReady = true
  // Customers who arrived before the studio ask again for video when it is ready.
  if (userType === 'admin') ctx.fanout.publish(room, { type: 'broadcaster_ready', livestreamId: room, from: connection.id }, { except: connection.id })
}
