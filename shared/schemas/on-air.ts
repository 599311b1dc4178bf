// What staff and the audience send for polls, questions and giveaways (PROTOCOL.md "On air").
import { z } from 'zod'
import { Id } from './common'

export const PollQuestion = z.string().trim().min(1).max(200)
export const PollOptions = z.array(z.string().trim().min(1).max(80)).min(2).max(6)
  .refine(options => new Set(options.map(option => option.toLowerCase())).size === options.length, 'two options are the same')
export const PollSeconds = z.number().int().min(10).max(600)

/** A poll prepared before the show (POST /api/livestreams/:id/polls), started later from the console. */
export const PreparePollBody = z.object({ question: PollQuestion, options: PollOptions, seconds: PollSeconds.optional() })

export const OnAirMessages = [
  // `pollId` (this project's addition) starts a prepared poll; its question and options are the ones sent.
  z.object({ type: z.literal('poll_start'), question: PollQuestion, options: PollOptions, seconds: PollSeconds.optional(), pollId: Id.optional() }),
  z.object({ type: z.literal('poll_vote'), pollId: Id, option: z.number().int().min(0).max(5) }),
  z.object({ type: z.literal('poll_end'), pollId: Id }),
  z.object({ type: z.literal('question_ask'), text: z.string().trim().min(1).max(300) }),
  z.object({ type: z.literal('question_pin'), questionId: Id }),
  z.object({ type: z.literal('question_answered'), questionId: Id }),
  z.object({ type: z.literal('giveaway_start'), prize: z.string().trim().min(1).max(120), seconds: z.number().int().min(30).max(600), keyword: z.string().trim().min(1).max(30).regex(/^\S+$/, 'one word').optional() }),
  z.object({ type: z.literal('giveaway_enter'), giveawayId: Id }),
  z.object({ type: z.literal('giveaway_draw'), giveawayId: Id, winners: z.number().int().min(1).max(10).optional() }),
] as const

export const GiveawayParams = z.object({ id: Id, giveawayId: Id })
export const PollParams = z.object({ id: Id, pollId: Id })
