// The WebSocket protocol of PROTOCOL.md as one zod discriminated union: the server parses every
// frame with it, and the browser types what it sends and receives with the inferred types.
import { z } from 'zod'
import type { ChatMessage, ChatSettings, Deal, DestinationStateName, Giveaway, Livestream, ModerationEntry, Poll, Product, Question } from '../types/models'
import { Id } from './common'
import { ChatMessageText } from './livestream'
import { OnAirMessages } from './on-air'

/** Who a signaling message is for: a connection id the server handed out. */
const ConnectionId = z.string().min(1).max(64).regex(/^[\w-]+$/)
// SDP and ICE payloads are opaque to the server; they are passed on as they are, within the frame limit.
const Sdp = z.object({ type: z.enum(['offer', 'answer', 'pranswer', 'rollback']), sdp: z.string().max(60_000).optional() })
const Candidate = z.object({
  candidate: z.string().max(2000),
  sdpMid: z.string().max(100).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(100).nullable().optional(),
  usernameFragment: z.string().max(200).nullable().optional(),
}).nullable()

export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('register_admin'), livestreamId: Id }),
  z.object({ type: z.literal('register'), livestreamId: Id, sessionId: z.string().trim().min(8).max(128).regex(/^[\w-]+$/) }),
  z.object({ type: z.literal('webrtc_register'), userType: z.enum(['admin', 'customer']) }),
  z.object({ type: z.literal('stream_started'), livestreamId: Id, streamData: z.record(z.string(), z.unknown()).optional() }),
  z.object({ type: z.literal('webrtc_new_customer') }),
  z.object({ type: z.literal('webrtc_offer'), to: ConnectionId, offer: Sdp }),
  z.object({ type: z.literal('webrtc_answer'), to: ConnectionId, answer: Sdp }),
  z.object({ type: z.literal('webrtc_ice_candidate'), to: ConnectionId, candidate: Candidate }),
  z.object({ type: z.literal('chat_message'), message: ChatMessageText, clientId: z.string().max(64).optional() }),
  z.object({ type: z.literal('stream_stopped'), livestreamId: Id }),
  z.object({ type: z.literal('ping') }),
  // Moderation (admins and moderators, in the room they registered in).
  z.object({ type: z.literal('chat_delete'), messageId: Id }),
  z.object({ type: z.literal('chat_release'), messageId: Id }),
  z.object({ type: z.literal('mod_timeout'), userId: Id, seconds: z.number().int().min(10).max(86_400) }),
  z.object({ type: z.literal('mod_ban'), userId: Id }),
  z.object({ type: z.literal('mod_unban'), userId: Id }),
  z.object({
    type: z.literal('chat_settings'),
    slowModeSeconds: z.number().int().min(0).max(300).optional(),
    blockedWords: z.array(z.string().trim().min(1).max(60)).max(200).optional(),
    holdLinks: z.boolean().optional(),
  }),
  // On air: polls, questions, giveaways.
  ...OnAirMessages,
])

export type ClientMessage = z.infer<typeof ClientMessage>
export type ClientMessageType = ClientMessage['type']
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>
export const CLIENT_MESSAGE_TYPES = ClientMessage.options.map(option => option.shape.type.value)

export type ErrorCode = 'BAD_MESSAGE' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED'

export interface Counters {
  livestreamId: string
  likes: number
  viewCount: number
  currentViewers: number
  maxViewers: number
}

export type ServerMessage
  = | { type: 'admin_registered', livestreamId: string }
    | { type: 'registered', sessionId: string, viewerId: string, livestream: Livestream }
    | { type: 'chat_history', items: ChatMessage[] }
    | { type: 'webrtc_registered', userType: 'admin' | 'customer' }
    | { type: 'stream_started', livestreamId: string, streamData: Record<string, unknown> | null }
    | { type: 'stream_stopped', livestreamId: string }
    | { type: 'webrtc_new_customer', customerId: string }
    | { type: 'webrtc_offer', from: string, offer: z.infer<typeof Sdp> }
    | { type: 'webrtc_answer', from: string, answer: z.infer<typeof Sdp> }
    | { type: 'webrtc_ice_candidate', from: string, candidate: z.infer<typeof Candidate> }
    | ({ type: 'chat_message' } & ChatMessage)
    | ({ type: 'stream_update' } & Counters)
    | { type: 'pinned_products_updated', livestreamId: string, pinnedProducts: Product[] }
    | { type: 'livestream_updated', livestream: Livestream }
    | { type: 'media_state', livestreamId: string, publishing: boolean }
    | { type: 'viewer_left', customerId: string }
    | { type: 'broadcaster_ready', livestreamId: string, from: string }
    | { type: 'admin_replaced', livestreamId: string }
    | { type: 'chat_deleted', livestreamId: string, messageId: string }
    | { type: 'chat_held', message: ChatMessage }
    | ({ type: 'chat_settings_updated', livestreamId: string } & ChatSettings)
    | { type: 'moderation_action', livestreamId: string, action: ModerationEntry }
    // `serverTime` (ms since the epoch): the client counts a deal down on the server's clock, not its own.
    | { type: 'deal_started', deal: Deal, serverTime: number }
    | { type: 'deal_updated', livestreamId: string, dealId: string, remaining: number, serverTime: number }
    | { type: 'deal_ended', livestreamId: string, dealId: string, deal: Deal, serverTime: number }
    | { type: 'poll_started', poll: Poll }
    | { type: 'poll_updated', livestreamId: string, pollId: string, counts: number[] }
    | { type: 'poll_ended', livestreamId: string, pollId: string, counts: number[], poll: Poll }
    | { type: 'question_asked', question: Question }
    | { type: 'question_pinned', question: Question }
    | { type: 'question_answered', livestreamId: string, questionId: string }
    | { type: 'giveaway_started', giveaway: Giveaway }
    // This project's additions: how many have entered (coalesced), and the entrant's own confirmation.
    | { type: 'giveaway_updated', livestreamId: string, giveawayId: string, entries: number }
    | { type: 'giveaway_entered', giveawayId: string }
    | { type: 'giveaway_drawn', livestreamId: string, giveawayId: string, winners: Giveaway['winners'] & object, seed: string, giveaway: Giveaway }
    | { type: 'destination_state', livestreamId: string, destinationId: string, state: DestinationStateName, error?: string }
    | { type: 'pong' }
    | { type: 'error', code: ErrorCode, message: string, ref?: string }

export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>
