// Mongoose models for the MongoDB store, derived from the field tables of server/db/fields.ts:
// times are Dates here and ISO strings at the Store boundary. What the tables cannot say (required,
// enums, defaults, the fields only MongoDB needs) is added per model.
import { Schema, type Connection, type Model, type SchemaDefinition } from 'mongoose'
import { ROLES } from '#shared/schemas/common'
import { STATUSES } from '#shared/schemas/livestream'
import { ATTRIBUTION_FIELDS, AUDIT_FIELDS, CLIP_FIELDS, DESTINATION_FIELDS, ON_AIR_FIELDS, ON_AIR_RESPONSE_FIELDS, CHAT_FIELDS, DEAL_FIELDS, DELIVERY_FIELDS, LIVESTREAM_FIELDS, MAIL_FIELDS, MODERATION_FIELDS, ORDER_FIELDS, PRODUCT_FIELDS, REMINDER_FIELDS, SAMPLE_FIELDS, SESSION_FIELDS, USER_FIELDS, type FieldKind } from '../fields'

const TYPES = { text: String, number: Number, time: Date, json: Schema.Types.Mixed } as const satisfies Record<FieldKind, unknown>

/** A schema of `fields` (but `id`, which is `_id`), each with its extra options, plus fields MongoDB alone keeps. */
function schemaOf<F extends Record<string, FieldKind>>(
  fields: F,
  options: { [K in keyof F]?: Record<string, unknown> } = {},
  extra: SchemaDefinition = {},
) {
  const definition: SchemaDefinition = {}
  for (const [field, kind] of Object.entries(fields)) {
    if (field === 'id') continue
    definition[field] = { type: TYPES[kind], ...(options as Record<string, object>)[field] }
  }
  // Mixed fields would otherwise hide an empty object; absent stays absent.
  return new Schema({ ...definition, ...extra }, { versionKey: false, minimize: false })
}

const required = { required: true }

const User = schemaOf(USER_FIELDS, { role: { required: true, enum: ROLES }, displayName: required, createdAt: required })
// Guests have no email: only real addresses must be unique.
User.index({ email: 1 }, { unique: true, partialFilterExpression: { email: { $type: 'string' } } })
User.index({ role: 1 })

const Livestream = schemaOf(LIVESTREAM_FIELDS, {
  title: required,
  description: { default: '' },
  quality: required,
  status: { required: true, enum: STATUSES },
  likes: { default: 0 },
  viewCount: { default: 0 },
  replayViews: { default: 0 },
  currentViewers: { default: 0 },
  maxViewers: { default: 0 },
  createdAt: required,
})
Livestream.index({ createdAt: -1, _id: -1 })
Livestream.index({ status: 1, createdAt: -1, _id: -1 })

/** One unique view per session and show: live ones and replay ones in collections of their own. */
function viewSchema() {
  const schema = new Schema({
    livestreamId: { type: String, required: true },
    sessionId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  }, { versionKey: false })
  schema.index({ livestreamId: 1, sessionId: 1 }, { unique: true })
  return schema
}

/** A running total with a ceiling (units per buyer per show); `_id` is its key. */
const Counter = new Schema({ _id: String, livestreamId: String, used: { type: Number, required: true } }, { versionKey: false })
Counter.index({ livestreamId: 1 })

const Session = schemaOf(SESSION_FIELDS, { userId: required, createdAt: required, expiresAt: required })
Session.index({ userId: 1 })

const Product = schemaOf(PRODUCT_FIELDS, {
  name: required, description: { default: '' }, priceCents: required, currency: required, stock: { required: true, min: 0 }, createdAt: required,
}, { deletedAt: Date })
// Imports and the brand's stock sync find products by SKU.
Product.index({ sku: 1 }, { partialFilterExpression: { sku: { $type: 'string' } } })

const Pin = new Schema({
  livestreamId: { type: String, required: true },
  productId: { type: String, required: true },
  pinnedAt: { type: Date, required: true },
  unpinnedAt: Date,
  // `open` exists so a partial unique index can allow one open period per product and stream.
  open: { type: Boolean, required: true },
}, { versionKey: false })
Pin.index({ livestreamId: 1, _id: 1 })
Pin.index({ livestreamId: 1, productId: 1 }, { unique: true, partialFilterExpression: { open: true } })
Pin.index({ productId: 1, open: 1 })

const Chat = schemaOf(CHAT_FIELDS, {
  livestreamId: required, userId: required, displayName: required, role: required, message: required, createdAt: required,
})
Chat.index({ livestreamId: 1, _id: -1 })
Chat.index({ livestreamId: 1, userId: 1, _id: -1 })

const Moderation = schemaOf(MODERATION_FIELDS, {
  livestreamId: required, moderatorId: required, moderatorName: required, action: required, createdAt: required,
})
Moderation.index({ livestreamId: 1, _id: 1 })

const Deal = schemaOf(DEAL_FIELDS, {
  livestreamId: required, productId: required, priceCents: required, currency: required, quantity: required, startsAt: required, endsAt: required,
})
Deal.index({ livestreamId: 1, startsAt: 1 })
Deal.index({ endedAt: 1 })

const Delivery = schemaOf(DELIVERY_FIELDS, {
  eventId: required, type: required, url: required, body: required, createdAt: required, status: required, attempts: { default: 0 }, nextAttemptAt: required,
})
Delivery.index({ status: 1, nextAttemptAt: 1 })

const Reminder = schemaOf(REMINDER_FIELDS, {
  livestreamId: required, email: required, locale: required, origin: required, status: { required: true, enum: ['pending', 'confirmed'] }, createdAt: required,
})
Reminder.index({ livestreamId: 1, email: 1 }, { unique: true })
Reminder.index({ livestreamId: 1, status: 1, _id: 1 })
Reminder.index({ email: 1 })

const Mail = schemaOf(MAIL_FIELDS, {
  key: required, recipient: required, subject: required, createdAt: required, status: required, attempts: { default: 0 }, nextAttemptAt: required,
})
Mail.index({ key: 1 }, { unique: true })
Mail.index({ status: 1, nextAttemptAt: 1 })
Mail.index({ reminderId: 1 })
Mail.index({ livestreamId: 1 })
Mail.index({ recipient: 1, status: 1 })

const Audit = schemaOf(AUDIT_FIELDS, { actorId: required, actorName: required, action: required, targetUserId: required, createdAt: required })

const Attribution = schemaOf(ATTRIBUTION_FIELDS, { livestreamId: required, orderId: required, totalCents: required, currency: required, createdAt: required })
Attribution.index({ orderId: 1 }, { unique: true })
Attribution.index({ livestreamId: 1, createdAt: 1 })

const OnAir = schemaOf(ON_AIR_FIELDS, { livestreamId: required, kind: required, status: required, userId: required, data: required, createdAt: required })
OnAir.index({ livestreamId: 1, kind: 1, _id: 1 })
OnAir.index({ userId: 1 })

// One response per account to an item; an entry also one per browser.
const OnAirResponse = schemaOf(ON_AIR_RESPONSE_FIELDS, { itemId: required, livestreamId: required, userId: required, displayName: required, value: required, at: required })
OnAirResponse.index({ itemId: 1, userId: 1 }, { unique: true })
OnAirResponse.index({ itemId: 1, deviceId: 1 }, { unique: true, partialFilterExpression: { deviceId: { $type: 'string' } } })
OnAirResponse.index({ livestreamId: 1, userId: 1 })

const ClipSchema = schemaOf(CLIP_FIELDS, { livestreamId: required, title: required, videoUrl: required, startSeconds: required, endSeconds: required, createdAt: required })
ClipSchema.index({ livestreamId: 1, _id: 1 })

const Destination = schemaOf(DESTINATION_FIELDS, { livestreamId: required, name: required, url: required, keyCipher: required, createdAt: required })
Destination.index({ livestreamId: 1, _id: 1 })

const Funnel = new Schema({
  livestreamId: { type: String, required: true },
  sessionId: { type: String, required: true },
  productId: { type: String, required: true },
  type: { type: String, required: true },
  at: { type: Date, required: true },
  userId: { type: String },
}, { versionKey: false })
Funnel.index({ livestreamId: 1, sessionId: 1, productId: 1, type: 1 }, { unique: true })
Funnel.index({ livestreamId: 1, at: 1 })
Funnel.index({ userId: 1 }, { partialFilterExpression: { userId: { $type: 'string' } } })

const Order = schemaOf(ORDER_FIELDS, { userId: required, totalCents: required, currency: required, status: required, createdAt: required })
Order.index({ livestreamId: 1, createdAt: 1 })
Order.index({ userId: 1, createdAt: 1 })

const Sample = schemaOf(SAMPLE_FIELDS, { livestreamId: required, at: required })
Sample.index({ livestreamId: 1, at: 1 })

// Documents are loose here: the Store's record types are the typed boundary (store.ts maps to them).
type Loose = Model<Record<string, any>> // eslint-disable-line @typescript-eslint/no-explicit-any

/** Registers the models on one connection, so the store never touches mongoose's global one. */
export function defineModels(connection: Connection) {
  const model = (name: string, schema: Schema): Loose => connection.model(name, schema) as unknown as Loose
  return {
    users: model('User', User),
    livestreams: model('Livestream', Livestream),
    views: model('View', viewSchema()),
    replayViews: model('ReplayView', viewSchema()),
    counters: model('CappedCounter', Counter),
    sessions: model('Session', Session),
    products: model('Product', Product),
    pins: model('Pin', Pin),
    chat: model('ChatMessage', Chat),
    moderation: model('ModerationAction', Moderation),
    deals: model('Deal', Deal),
    deliveries: model('WebhookDelivery', Delivery),
    funnel: model('FunnelEvent', Funnel),
    reminders: model('Reminder', Reminder),
    mails: model('Mail', Mail),
    audit: model('AuditEntry', Audit),
    attributions: model('Attribution', Attribution),
    onAir: model('OnAirItem', OnAir),
    onAirResponses: model('OnAirResponse', OnAirResponse),
    destinations: model('RestreamDestination', Destination),
    clips: model('Clip', ClipSchema),
    orders: model('Order', Order),
    samples: model('Sample', Sample),
  }
}

export type Models = ReturnType<typeof defineModels>
