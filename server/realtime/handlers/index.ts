import { frame } from '../frames'
import { giveawayDrawHandler, giveawayEnterHandler, giveawayStartHandler, pollEndHandler, pollStartHandler, pollVoteHandler, questionAnsweredHandler, questionAskHandler, questionPinHandler } from './on-air'
import { chatDelete, chatRelease, chatSettings, modBan, modTimeout, modUnban } from './moderation'
import { registerAdmin, registerViewer, webrtcRegister } from './registration'
import { newCustomer, relaySignal } from './signaling'
import { chatMessage, streamStarted, streamStopped } from './show'
import type { HandlerTable } from './types'

/**
 * Every client message of PROTOCOL.md and its handler: a new message is a new entry (and a file
 * for its handler), checked complete by the type.
 */
export const HANDLERS: HandlerTable = {
  ping: (_ctx, connection) => connection.send(frame({ type: 'pong' })),
  register_admin: registerAdmin,
  register: registerViewer,
  webrtc_register: webrtcRegister,
  webrtc_new_customer: newCustomer,
  webrtc_offer: relaySignal,
  webrtc_answer: relaySignal,
  webrtc_ice_candidate: relaySignal,
  chat_message: chatMessage,
  stream_started: streamStarted,
  stream_stopped: streamStopped,
  chat_delete: chatDelete,
  chat_release: chatRelease,
  mod_timeout: modTimeout,
  mod_ban: modBan,
  mod_unban: modUnban,
  chat_settings: chatSettings,
  poll_start: pollStartHandler,
  poll_vote: pollVoteHandler,
  poll_end: pollEndHandler,
  question_ask: questionAskHandler,
  question_pin: questionPinHandler,
  question_answered: questionAnsweredHandler,
  giveaway_start: giveawayStartHandler,
  giveaway_enter: giveawayEnterHandler,
  giveaway_draw: giveawayDrawHandler,
}
