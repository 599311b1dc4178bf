// Mongoose models for the MongoDB store. Times are Dates here and ISO strings at the Store boundary.
import { Schema, type Connection } from 'mongoose'

const options = { versionKey: false } as const

const User = new Schema({
  email: { type: String },
  passwordHash: String,
  role: { type: String, required: true, enum: ['admin', 'customer'] },
  displayName: { type: String, required: true },
  createdAt: { type: Date, required: true },
}, options)
// Guests have no email: only real addresses must be unique.
User.index({ email: 1 }, { unique: true, partialFilterExpression: { email: { $type: 'string' } } })
User.index({ role: 1 })

const Livestream = new Schema({
  title: { type: String, required: true },
  description: { type: String, default: '' },
  quality: { type: String, required: true },
  status: { type: String, required: true, enum: ['scheduled', 'live', 'ended'] },
  scheduledAt: Date,
  startTime: Date,
  endTime: Date,
  durationSeconds: Number,
  likes: { type: Number, default: 0 },
  viewCount: { type: Number, default: 0 },
  currentViewers: { type: Number, default: 0 },
  maxViewers: { type: Number, default: 0 },
  videoUrl: String,
  thumbnailUrl: String,
  // Absent until a replay is saved, not an empty list.
  replayRuns: { type: [{ _id: false, at: String, replaySeconds: Number, lengthSeconds: Number }], default: undefined },
  createdAt: { type: Date, required: true },
}, options)
Livestream.index({ createdAt: -1, _id: -1 })
Livestream.index({ status: 1, createdAt: -1, _id: -1 })

const View = new Schema({
  livestreamId: { type: String, required: true },
  sessionId: { type: String, required: true },
  createdAt: { type: Date, required: true },
}, options)
View.index({ livestreamId: 1, sessionId: 1 }, { unique: true })

const Product = new Schema({
  name: { type: String, required: true },
  description: { type: String, default: '' },
  priceCents: { type: Number, required: true },
  currency: { type: String, required: true },
  imageUrl: String,
  stock: { type: Number, required: true, min: 0 },
  sku: String,
  createdAt: { type: Date, required: true },
  deletedAt: Date,
}, options)

const Pin = new Schema({
  livestreamId: { type: String, required: true },
  productId: { type: String, required: true },
  pinnedAt: { type: Date, required: true },
  unpinnedAt: Date,
  // `open` exists so a partial unique index can allow one open period per product and stream.
  open: { type: Boolean, required: true },
}, options)
Pin.index({ livestreamId: 1, _id: 1 })
Pin.index({ livestreamId: 1, productId: 1 }, { unique: true, partialFilterExpression: { open: true } })

const Chat = new Schema({
  livestreamId: { type: String, required: true },
  userId: { type: String, required: true },
  displayName: { type: String, required: true },
  role: { type: String, required: true },
  message: { type: String, required: true },
  clientId: String,
  createdAt: { type: Date, required: true },
}, options)
Chat.index({ livestreamId: 1, _id: -1 })

const Order = new Schema({
  userId: { type: String, required: true },
  livestreamId: String,
  items: [{ _id: false, productId: String, name: String, priceCents: Number, quantity: Number }],
  totalCents: { type: Number, required: true },
  currency: { type: String, required: true },
  shipping: { _id: false, name: String, email: String, address: String },
  status: { type: String, required: true },
  createdAt: { type: Date, required: true },
}, options)
Order.index({ livestreamId: 1, createdAt: 1 })

const Sample = new Schema({
  livestreamId: { type: String, required: true },
  at: { type: Date, required: true },
  currentViewers: Number,
  likes: Number,
  viewCount: Number,
}, options)
Sample.index({ livestreamId: 1, at: 1 })

/** Registers the models on one connection, so the store never touches mongoose's global one. */
export function defineModels(connection: Connection) {
  return {
    users: connection.model('User', User),
    livestreams: connection.model('Livestream', Livestream),
    views: connection.model('View', View),
    products: connection.model('Product', Product),
    pins: connection.model('Pin', Pin),
    chat: connection.model('ChatMessage', Chat),
    orders: connection.model('Order', Order),
    samples: connection.model('Sample', Sample),
  }
}

export type Models = ReturnType<typeof defineModels>
