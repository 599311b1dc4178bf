import { DomainError } from '../../domain/errors'
import { drawGiveaway, enterGiveaway, startGiveaway } from '../../domain/giveaways'
import { endPoll, startPoll, votePoll } from '../../domain/polls'
import { answerQuestion, askQuestion, pinQuestion } from '../../domain/questions'
import type { Connection } from '../connection'
import type { HubContext } from '../context'
import { frame } from '../frames'
import { requireRoom, requireUser } from './guards'
import { moderating } from './moderation'
import type { MessageHandler } from './types'

// Polls, questions and giveaways (PROTOCOL.md "On air"): staff act in the room their socket
// registered in, with the role their account has now; the audience answers signed in, limited
// per account, browser and address like chat.

/** A signed-in viewer of this room, as the domain checks them (bans reach the browser and address too). */
async function participant(ctx: HubContext, connection: Connection, doing: string, limit: 'question' | 'onAirAnswer') {
  const user = requireUser(connection, doing)
  const room = requireRoom(connection)
  await ctx.core.limits.enforce(limit, { userId: user.id, deviceId: connection.deviceId, address: connection.address }, 'slow down:')
  return { room, who: { user, deviceId: connection.deviceId, address: connection.address } }
}

/** Giveaways are the brand's: its admins start and draw them. */
async function admin(ctx: HubContext, connection: Connection) {
  const { room, actor } = await moderating(ctx, connection)
  if (actor.role !== 'admin') throw new DomainError('forbidden', 'only the brand\'s admins run giveaways')
  return { room, actor }
}

export const pollStartHandler: MessageHandler<'poll_start'> = async (ctx, connection, { type: _type, ...input }) => {
  const { room, actor } = await moderating(ctx, connection)
  await startPoll(ctx.core, room, actor, input)
}

export const pollVoteHandler: MessageHandler<'poll_vote'> = async (ctx, connection, { pollId, option }) => {
  const { room, who } = await participant(ctx, connection, 'vote', 'onAirAnswer')
  await votePoll(ctx.core, room, who, pollId, option)
}

export const pollEndHandler: MessageHandler<'poll_end'> = async (ctx, connection, { pollId }) => {
  const { room } = await moderating(ctx, connection)
  await endPoll(ctx.core, room, pollId)
}

export const questionAskHandler: MessageHandler<'question_ask'> = async (ctx, connection, { text }) => {
  const { room, who } = await participant(ctx, connection, 'ask a question', 'question')
  const question = await askQuestion(ctx.core, room, who, text)
  // The asker hears it reached the queue (the queue itself is the staff's).
  connection.send(frame({ type: 'question_asked', question }))
}

export const questionPinHandler: MessageHandler<'question_pin'> = async (ctx, connection, { questionId }) => {
  const { room } = await moderating(ctx, connection)
  await pinQuestion(ctx.core, room, questionId)
}

export const questionAnsweredHandler: MessageHandler<'question_answered'> = async (ctx, connection, { questionId }) => {
  const { room } = await moderating(ctx, connection)
  await answerQuestion(ctx.core, room, questionId)
}

export const giveawayStartHandler: MessageHandler<'giveaway_start'> = async (ctx, connection, { type: _type, ...input }) => {
  const { room, actor } = await admin(ctx, connection)
  await startGiveaway(ctx.core, room, actor, input)
}

export const giveawayEnterHandler: MessageHandler<'giveaway_enter'> = async (ctx, connection, { giveawayId }) => {
  const { room, who } = await participant(ctx, connection, 'enter', 'onAirAnswer')
  await enterGiveaway(ctx.core, room, who, giveawayId)
  // Entered now or before: either way this person is in.
  connection.send(frame({ type: 'giveaway_entered', giveawayId }))
}

export const giveawayDrawHandler: MessageHandler<'giveaway_draw'> = async (ctx, connection, { giveawayId, winners }) => {
  const { room, actor } = await admin(ctx, connection)
  await drawGiveaway(ctx.core, room, actor, giveawayId, winners)
}
