// Every route under server/api, with the zod schemas its handler validates with: what
// GET /api/openapi.json is generated from (document.ts). tests/unit/openapi.test.ts fails when a
// route file has no entry here, or an entry no file.
import { z } from 'zod'
import { GuestBody, LoginBody, LogoutBody, RegisterBody } from '#shared/schemas/auth'
import { Id, IdParams } from '#shared/schemas/common'
import { DealParams, StartDealBody } from '#shared/schemas/deal'
import { AttributionBody } from '#shared/schemas/attribution'
import { FunnelEventsBody } from '#shared/schemas/funnel'
import { AnalyticsExportQuery, ChatPageQuery, CreateLivestreamBody, LikeBody, ListLivestreamsQuery, PatchLivestreamBody, PinProductBody, ViewBody } from '#shared/schemas/livestream'
import { CreateOrderBody, ListOrdersQuery } from '#shared/schemas/order'
import { CreateProductBody, ImportQuery, PatchProductBody, StockBySkuBody } from '#shared/schemas/product'
import { GiveawayParams, PollParams, PreparePollBody } from '#shared/schemas/on-air'
import { AddDestinationBody, DestinationParams } from '#shared/schemas/destination'
import { CreateClipBody } from '#shared/schemas/clip'
import { ReminderBody, ReminderTokenQuery } from '#shared/schemas/reminder'
import { RecordingChunkParams } from '../domain/recording'

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
/** Who may call it: anyone, a signed-in account, staff (admin or moderator), the admin, or a publisher with the show's stream key. */
export type Access = 'public' | 'user' | 'staff' | 'admin' | 'streamKey'
/** A body that is not JSON: SDP (WHIP/WHEP), an SDP fragment (trickle ICE), a multipart upload, raw video bytes. */
export type RawBody = 'sdp' | 'sdpfrag' | 'multipart' | 'video' | 'catalogue'

export interface ApiRoute {
  method: Method
  /** OpenAPI style: /api/livestreams/{id}. */
  path: string
  tag: string
  summary: string
  access: Access
  params?: z.ZodObject
  query?: z.ZodObject
  body?: z.ZodType | RawBody
  /** The success status (errors follow PROTOCOL.md's conventions). */
  status: number
  /** What the success answers, when it is not JSON. */
  answers?: 'csv' | 'sdp' | 'empty' | 'json-file'
}

/** The WHIP/WHEP resource of one session (its Location). */
const MediaSessionParams = z.object({ id: Id, session: z.string().min(1).max(64) })

const route = (method: Method, path: string, tag: string, access: Access, summary: string, extra: Partial<ApiRoute> = {}): ApiRoute =>
  ({ method, path, tag, access, summary, status: method === 'delete' ? 204 : 200, ...extra })
const show = { params: IdParams }

export const API_ROUTES: ApiRoute[] = [
  route('get', '/api/openapi.json', 'Meta', 'public', 'This API description (OpenAPI 3.1)'),
  route('get', '/api/audit', 'Customers', 'admin', 'The audit log of customers\' data: exports and erasures, newest first'),

  route('post', '/api/auth/guest', 'Auth', 'public', 'Join as a guest with a display name', { body: GuestBody, status: 201 }),
  route('post', '/api/auth/register', 'Auth', 'public', 'Register a customer account', { body: RegisterBody, status: 201 }),
  route('post', '/api/auth/login', 'Auth', 'public', 'Sign in; sets the session cookie and answers the token', { body: LoginBody }),
  route('post', '/api/auth/logout', 'Auth', 'public', 'Sign out (everywhere: every session of the account)', { body: LogoutBody, status: 204, answers: 'empty' }),
  route('get', '/api/auth/me', 'Auth', 'user', 'The signed-in account'),
  route('delete', '/api/auth/me', 'Customers', 'user', 'Erase my account (customers)', { answers: 'empty' }),
  route('get', '/api/auth/me/export', 'Customers', 'user', 'Everything the shop holds about me, as a JSON file (customers)', { answers: 'json-file' }),
  route('post', '/api/auth/socket-ticket', 'Auth', 'user', 'A one-use ticket to open /_ws without a cookie'),

  route('get', '/api/customers/{id}/export', 'Customers', 'admin', 'Everything the shop holds about a customer, as a JSON file (audited)', { ...show, answers: 'json-file' }),
  route('delete', '/api/customers/{id}', 'Customers', 'admin', 'Erase a customer (audited)', { ...show, answers: 'empty' }),

  route('get', '/api/livestreams', 'Livestreams', 'public', 'Shows, newest first, a page at a time', { query: ListLivestreamsQuery }),
  route('post', '/api/livestreams', 'Livestreams', 'admin', 'Create a show', { body: CreateLivestreamBody, status: 201 }),
  route('get', '/api/livestreams/{id}', 'Livestreams', 'public', 'One show', show),
  route('patch', '/api/livestreams/{id}', 'Livestreams', 'admin', 'Edit a show', { ...show, body: PatchLivestreamBody }),
  route('delete', '/api/livestreams/{id}', 'Livestreams', 'admin', 'Delete a show and what it owns', { ...show, answers: 'empty' }),
  route('post', '/api/livestreams/{id}/start', 'Livestreams', 'admin', 'Go live', show),
  route('post', '/api/livestreams/{id}/stop', 'Livestreams', 'admin', 'End the show', show),
  route('post', '/api/livestreams/{id}/like', 'Audience', 'user', 'Send hearts', { ...show, body: LikeBody }),
  route('post', '/api/livestreams/{id}/view', 'Audience', 'public', 'Count a view (live or replay)', { ...show, body: ViewBody }),
  route('post', '/api/livestreams/{id}/events', 'Audience', 'public', 'Shopping funnel events, in batches', { ...show, body: FunnelEventsBody, status: 202 }),
  route('post', '/api/livestreams/{id}/attributions', 'Audience', 'public', 'A purchase on the brand\'s site after watching (window.wrencos.purchase); 201 new, 200 already counted', { ...show, body: AttributionBody, status: 201 }),
  route('get', '/api/livestreams/{id}/share', 'Sharing', 'public', 'The share card and JSON-LD the page renders', show),
  route('post', '/api/livestreams/{id}/reminders', 'Sharing', 'public', '"Remind me": the confirmation mail goes out (double opt-in)', { ...show, body: ReminderBody, status: 202 }),
  route('get', '/api/livestreams/{id}/reminders', 'Sharing', 'admin', 'How many wait for a reminder', show),
  route('get', '/api/reminders/{id}', 'Sharing', 'public', 'A reminder\'s state (the token from its mail)', { ...show, query: ReminderTokenQuery }),
  route('post', '/api/reminders/{id}/confirm', 'Sharing', 'public', 'Confirm a reminder (double opt-in)', { ...show, query: ReminderTokenQuery }),
  route('post', '/api/reminders/{id}/unsubscribe', 'Sharing', 'public', 'Unsubscribe (RFC 8058 one-click: a form body is accepted)', { ...show, query: ReminderTokenQuery, status: 204, answers: 'empty' }),

  route('get', '/api/livestreams/{id}/chat', 'Chat and moderation', 'public', 'The chat, a page at a time', { ...show, query: ChatPageQuery }),
  route('get', '/api/livestreams/{id}/chat/export', 'Chat and moderation', 'staff', 'The whole chat as CSV', { ...show, answers: 'csv' }),
  route('get', '/api/livestreams/{id}/moderation', 'Chat and moderation', 'staff', 'The moderation record and held lines', show),
  route('get', '/api/moderators', 'Chat and moderation', 'admin', 'The brand\'s moderators'),
  route('post', '/api/moderators', 'Chat and moderation', 'admin', 'Add a moderator', { body: RegisterBody, status: 201 }),
  route('delete', '/api/moderators/{id}', 'Chat and moderation', 'admin', 'Remove a moderator', { ...show, answers: 'empty' }),

  route('get', '/api/livestreams/{id}/on-air', 'On air', 'public', 'Polls, questions and giveaways (with a token: what this account voted and entered)', show),
  route('get', '/api/livestreams/{id}/polls', 'On air', 'staff', 'Polls prepared and not started', show),
  route('post', '/api/livestreams/{id}/polls', 'On air', 'staff', 'Prepare a poll before the show', { ...show, body: PreparePollBody, status: 201 }),
  route('delete', '/api/livestreams/{id}/polls/{pollId}', 'On air', 'staff', 'Remove a prepared poll', { params: PollParams, answers: 'empty' }),
  route('get', '/api/livestreams/{id}/giveaways/{giveawayId}', 'On air', 'public', 'A giveaway; once drawn, its seed and sorted pool to check the draw', { params: GiveawayParams }),

  route('get', '/api/livestreams/{id}/destinations', 'On air', 'admin', 'Restream destinations with their push state (keys never answered)', show),
  route('post', '/api/livestreams/{id}/destinations', 'On air', 'admin', 'Also live on: an RTMP(S) destination', { ...show, body: AddDestinationBody, status: 201 }),
  route('delete', '/api/livestreams/{id}/destinations/{destId}', 'On air', 'admin', 'Stop pushing to a destination and forget it', { params: DestinationParams, answers: 'empty' }),

  route('get', '/api/livestreams/{id}/clips', 'Sharing', 'public', 'A replay\'s clips', show),
  route('post', '/api/livestreams/{id}/clips', 'Sharing', 'admin', 'Cut a clip of the replay (5 to 120 s, no re-encoding)', { ...show, body: CreateClipBody, status: 201 }),
  route('get', '/api/clips/{id}', 'Sharing', 'public', 'A clip with its show, product and share card (/clip/:id)', show),

  route('post', '/api/livestreams/{id}/pin-product', 'Selling', 'admin', 'Pin or unpin a product', { ...show, body: PinProductBody }),
  route('get', '/api/livestreams/{id}/pins', 'Selling', 'public', 'Every pin period (the replay\'s chapters)', show),
  route('get', '/api/livestreams/{id}/deals', 'Selling', 'public', 'The show\'s flash deals', show),
  route('post', '/api/livestreams/{id}/deals', 'Selling', 'admin', 'Start a flash deal', { ...show, body: StartDealBody, status: 201 }),
  route('post', '/api/livestreams/{id}/deals/{dealId}/end', 'Selling', 'admin', 'End a flash deal now', { params: DealParams }),
  route('get', '/api/products', 'Selling', 'public', 'The catalogue'),
  route('post', '/api/products', 'Selling', 'admin', 'Add a product', { body: CreateProductBody, status: 201 }),
  route('post', '/api/products/import', 'Selling', 'admin', 'Import products from CSV or JSON, upserted by SKU, all or nothing (400 names each bad line)', { query: ImportQuery, body: 'catalogue' }),
  route('post', '/api/products/stock', 'Selling', 'admin', 'Set stock by SKU; unknown SKUs come back', { body: StockBySkuBody }),
  route('get', '/api/products/{id}', 'Selling', 'public', 'One product', show),
  route('patch', '/api/products/{id}', 'Selling', 'admin', 'Edit a product', { ...show, body: PatchProductBody }),
  route('delete', '/api/products/{id}', 'Selling', 'admin', 'Hide a product', { ...show, answers: 'empty' }),
  route('get', '/api/orders', 'Selling', 'admin', 'Orders, of one show or all', { query: ListOrdersQuery }),
  route('post', '/api/orders', 'Selling', 'user', 'Place an order (stock and caps taken atomically)', { body: CreateOrderBody, status: 201 }),

  route('get', '/api/livestreams/{id}/analytics', 'Analytics', 'admin', 'The show\'s figures, timeline and funnel', show),
  route('get', '/api/livestreams/{id}/analytics/export', 'Analytics', 'admin', 'Orders or funnel as CSV', { ...show, query: AnalyticsExportQuery, answers: 'csv' }),
  route('get', '/api/webhooks/deliveries', 'Webhooks', 'admin', 'The webhook log, newest first'),
  route('post', '/api/webhooks/deliveries/{id}/resend', 'Webhooks', 'admin', 'Send a delivery again', show),

  route('get', '/api/livestreams/{id}/media', 'Media', 'public', 'How video reaches viewers (mode, WHIP/WHEP URLs, capacity)', show),
  route('post', '/api/livestreams/{id}/stream-key', 'Media', 'admin', 'A new stream key for an encoder (OBS); shown once', show),
  route('post', '/api/livestreams/{id}/whip', 'Media', 'streamKey', 'WHIP: publish (an SDP offer in, the answer out)', { ...show, body: 'sdp', status: 201, answers: 'sdp' }),
  route('patch', '/api/livestreams/{id}/whip/{session}', 'Media', 'streamKey', 'WHIP: trickle ICE or an ICE restart', { params: MediaSessionParams, body: 'sdpfrag', status: 204, answers: 'empty' }),
  route('delete', '/api/livestreams/{id}/whip/{session}', 'Media', 'streamKey', 'WHIP: stop publishing', { params: MediaSessionParams, answers: 'empty' }),
  route('post', '/api/livestreams/{id}/whep', 'Media', 'public', 'WHEP: watch (an SDP offer in, the answer out)', { ...show, body: 'sdp', status: 201, answers: 'sdp' }),
  route('patch', '/api/livestreams/{id}/whep/{session}', 'Media', 'public', 'WHEP: trickle ICE or an ICE restart', { params: MediaSessionParams, body: 'sdpfrag', status: 204, answers: 'empty' }),
  route('delete', '/api/livestreams/{id}/whep/{session}', 'Media', 'public', 'WHEP: stop watching', { params: MediaSessionParams, answers: 'empty' }),
  route('get', '/api/livestreams/{id}/recording', 'Recording', 'admin', 'What the server holds of a recording', show),
  route('put', '/api/livestreams/{id}/recording/{seq}', 'Recording', 'admin', 'One recording chunk (raw video bytes)', { params: RecordingChunkParams, body: 'video', status: 204, answers: 'empty' }),
  route('post', '/api/livestreams/{id}/recording/finalize', 'Recording', 'admin', 'Join the chunks into the replay', show),
  route('post', '/api/uploads/livestream-video', 'Recording', 'admin', 'Upload a whole replay video (multipart: livestreamId, video)', { body: 'multipart', status: 201 }),
  route('post', '/api/uploads/thumbnail', 'Recording', 'admin', 'Upload a show\'s thumbnail (multipart: livestreamId, thumbnail)', { body: 'multipart', status: 201 }),
  route('post', '/api/uploads/product-image', 'Selling', 'admin', 'Upload a product image (multipart: productId, image)', { body: 'multipart', status: 201 }),
]
