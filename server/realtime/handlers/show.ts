import { postChat } from '../../domain/chat'
import { enterByKeyword } from '../../domain/giveaways'
import { findLivestream, startLivestream, stopLivestream } from '../../domain/livestreams'
import { frame } from '../frames'
import { requireBroadcasterOf, requireRoom, requireUser } from './guards'
import type { MessageHandler } from './types'

export const chatMessage: MessageHandler<'chat_message'> = async (ctx, connection, message) => {
  const user = requireUser(connection)
  const room = requireRoom(connection)
  await ctx.core.limits.enforce('chat', { userId: user.id, deviceId: connection.deviceId, address: connection.address }, 'slow down:')
  const chat = await postChat(ctx.core, room, { user, deviceId: connection.deviceId, address: connection.address }, message.message, message.clientId)
  // A held line reaches the room's moderators; its author hears it is waiting (from this socket, which is theirs).
  if (chat.held) connection.send(frame({ type: 'chat_held', message: chat }))
  // The open giveaway's keyword, said in chat, enters its sender as the button does.
  else {
    const giveawayId = await enterByKeyword(ctx.core, room, { user, deviceId: connection.deviceId, address: connection.address }, message.message)
    if (giveawayId) connection.send(frame({ type: 'giveaway_entered', giveawayId }))
  }
}

export const streamStarted: MessageHandler<'stream_started'> = async (ctx, connection, { livestreamId, streamData }) => {
  requireBroadcasterOf(connection, livestreamId)
  if ((await findLivestream(ctx.core, livestreamId)).status === 'live') {
    // Already live (a studio that reconnected): say it again for whoever missed it.
    ctx.fanout.publish(livestreamId, { type: 'stream_started', livestreamId, streamData: streamData ?? null })
    return
  }
  await startLivestream(ctx.core, livestreamId, streamData)
}

export const streamStopped: MessageHandler<'stream_stopped'> = async (ctx, connection, { livestreamId }) => {
  requireBroadcasterOf(connection, livestreamId)
  await stopLivestream(ctx.core, livestreamId)
}
