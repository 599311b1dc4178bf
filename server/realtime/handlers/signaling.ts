import type { ServerMessage } from '#shared/schemas/socket'
import { DomainError } from '../../domain/errors'
import { requireRoom } from './guards'
import type { MessageHandler } from './types'

/** A customer asks the studio of its room for video. */
export const newCustomer: MessageHandler<'webrtc_new_customer'> = async (ctx, connection) => {
  const room = requireRoom(connection)
  if (connection.role !== 'viewer') throw new DomainError('forbidden', 'only customers ask for video')
  // Each request makes the host's browser build a peer connection: a few per socket, then slowly.
  await ctx.core.limits.enforce('videoRequest', { key: connection.id }, 'too many video requests;')
  const broadcaster = await ctx.bus.presence.broadcaster(room)
  if (!broadcaster) throw new DomainError('not_found', 'the host is not connected yet')
  ctx.fanout.publish(room, { type: 'webrtc_new_customer', customerId: connection.id }, { to: broadcaster })
}

/** Offers, answers and ICE go only between a room's studio and one customer of that room. */
export const relaySignal: MessageHandler<'webrtc_offer' | 'webrtc_answer' | 'webrtc_ice_candidate'> = async (ctx, connection, message) => {
  const room = requireRoom(connection)
  const presence = ctx.bus.presence
  if (connection.role === 'broadcaster') {
    if (message.type === 'webrtc_answer') throw new DomainError('forbidden', 'the studio sends offers, not answers')
    if (!(await presence.isMember(room, message.to))) throw new DomainError('not_found', 'no such customer in this room')
  }
  else {
    if (message.type === 'webrtc_offer') throw new DomainError('forbidden', 'only the studio sends offers')
    if (message.to !== await presence.broadcaster(room)) throw new DomainError('forbidden', 'customers can only signal the studio of their room')
  }
  // `from` is the server's to set; whatever else the client sent along is dropped.
  const { to, type } = message
  const payload = type === 'webrtc_offer'
    ? { type, from: connection.id, offer: message.offer }
    : type === 'webrtc_answer'
      ? { type, from: connection.id, answer: message.answer }
      : { type, from: connection.id, candidate: message.candidate }
  ctx.fanout.publish(room, payload satisfies ServerMessage, { to })
}
