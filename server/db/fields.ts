// Each record's fields, declared once: the SQLite row mapping (server/db/sqlite/rows.ts) and the
// mongoose schemas (server/db/mongo/models.ts) are derived from these tables, and `satisfies`
// makes a field added to a record type a compile error here until it has its kind. (Migrations
// stay hand-written SQL: a shipped schema step is never regenerated.)
import type { Clip, Order, Product } from '#shared/types/models'
import type { AttributionRecord, AuditRecord, DestinationRecord, OnAirRecord, OnAirResponseRecord, ChatRecord, DealRecord, DeliveryRecord, LivestreamRecord, MailRecord, ModerationRecord, ReminderRecord, SampleRecord, SessionRecord, UserRecord } from './types'

/** `text` and `number` as they are; `time` an ISO string (a Date in MongoDB); `json` a structured value. */
export type FieldKind = 'text' | 'number' | 'time' | 'json'
export type Fields<T> = { readonly [K in keyof T]-?: FieldKind }

export const USER_FIELDS = {
  id: 'text', email: 'text', role: 'text', displayName: 'text', passwordHash: 'text', deviceId: 'text', signupAddress: 'text', createdAt: 'time',
} as const satisfies Fields<UserRecord>

export const LIVESTREAM_FIELDS = {
  id: 'text',
  title: 'text',
  description: 'text',
  quality: 'text',
  status: 'text',
  scheduledAt: 'time',
  startTime: 'time',
  endTime: 'time',
  durationSeconds: 'number',
  likes: 'number',
  viewCount: 'number',
  replayViews: 'number',
  currentViewers: 'number',
  maxViewers: 'number',
  videoUrl: 'text',
  thumbnailUrl: 'text',
  replayRuns: 'json',
  countersAt: 'time',
  streamKeyHash: 'text',
  chatSettings: 'json',
  createdAt: 'time',
} as const satisfies Fields<LivestreamRecord>

export const PRODUCT_FIELDS = {
  id: 'text', name: 'text', description: 'text', priceCents: 'number', currency: 'text', imageUrl: 'text', stock: 'number', sku: 'text', variants: 'json', createdAt: 'time',
} as const satisfies Fields<Product>

export const CHAT_FIELDS = {
  id: 'text', livestreamId: 'text', userId: 'text', displayName: 'text', role: 'text', message: 'text', clientId: 'text', status: 'text', createdAt: 'time',
} as const satisfies Fields<ChatRecord>

export const ORDER_FIELDS = {
  id: 'text', userId: 'text', livestreamId: 'text', items: 'json', totalCents: 'number', currency: 'text', shipping: 'json', status: 'text', createdAt: 'time',
} as const satisfies Fields<Order>

export const SAMPLE_FIELDS = {
  livestreamId: 'text', at: 'time', currentViewers: 'number', likes: 'number', viewCount: 'number',
} as const satisfies Fields<SampleRecord>

export const SESSION_FIELDS = {
  id: 'text', userId: 'text', createdAt: 'time', expiresAt: 'time', revokedAt: 'time',
} as const satisfies Fields<SessionRecord>

export const MODERATION_FIELDS = {
  id: 'text',
  livestreamId: 'text',
  moderatorId: 'text',
  moderatorName: 'text',
  action: 'text',
  targetUserId: 'text',
  targetName: 'text',
  messageId: 'text',
  until: 'time',
  deviceId: 'text',
  address: 'text',
  details: 'json',
  createdAt: 'time',
} as const satisfies Fields<ModerationRecord>

export const DEAL_FIELDS = {
  id: 'text',
  livestreamId: 'text',
  productId: 'text',
  variantId: 'text',
  priceCents: 'number',
  currency: 'text',
  quantity: 'number',
  perCustomer: 'number',
  startsAt: 'time',
  endsAt: 'time',
  endedAt: 'time',
  endReason: 'text',
} as const satisfies Fields<DealRecord>

export const DELIVERY_FIELDS = {
  id: 'text',
  eventId: 'text',
  type: 'text',
  url: 'text',
  body: 'text',
  createdAt: 'time',
  status: 'text',
  attempts: 'number',
  nextAttemptAt: 'time',
  lastStatus: 'number',
  lastError: 'text',
  lastAttemptAt: 'time',
  deliveredAt: 'time',
} as const satisfies Fields<DeliveryRecord>

export const REMINDER_FIELDS = {
  id: 'text', livestreamId: 'text', email: 'text', locale: 'text', origin: 'text', status: 'text', createdAt: 'time', confirmedAt: 'time',
} as const satisfies Fields<ReminderRecord>

export const MAIL_FIELDS = {
  id: 'text',
  key: 'text',
  recipient: 'text',
  subject: 'text',
  text: 'text',
  html: 'text',
  headers: 'json',
  livestreamId: 'text',
  reminderId: 'text',
  createdAt: 'time',
  status: 'text',
  attempts: 'number',
  nextAttemptAt: 'time',
  lastError: 'text',
  sentAt: 'time',
} as const satisfies Fields<MailRecord>

export const AUDIT_FIELDS = {
  id: 'text', actorId: 'text', actorName: 'text', action: 'text', targetUserId: 'text', createdAt: 'time',
} as const satisfies Fields<AuditRecord>

export const ATTRIBUTION_FIELDS = {
  livestreamId: 'text', orderId: 'text', totalCents: 'number', currency: 'text', items: 'json', createdAt: 'time',
} as const satisfies Fields<AttributionRecord>

export const ON_AIR_FIELDS = {
  id: 'text', livestreamId: 'text', kind: 'text', status: 'text', userId: 'text', data: 'json', createdAt: 'time', endsAt: 'time', endedAt: 'time',
} as const satisfies Fields<OnAirRecord>

export const ON_AIR_RESPONSE_FIELDS = {
  itemId: 'text', livestreamId: 'text', userId: 'text', displayName: 'text', deviceId: 'text', value: 'number', at: 'time',
} as const satisfies Fields<OnAirResponseRecord>

export const DESTINATION_FIELDS = {
  id: 'text', livestreamId: 'text', name: 'text', url: 'text', keyCipher: 'text', createdAt: 'time',
} as const satisfies Fields<DestinationRecord>

export const CLIP_FIELDS = {
  id: 'text', livestreamId: 'text', title: 'text', videoUrl: 'text', thumbnailUrl: 'text', productId: 'text', startSeconds: 'number', endSeconds: 'number', createdAt: 'time',
} as const satisfies Fields<Clip>
