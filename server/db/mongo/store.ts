// The MongoDB store (e.g. Atlas), used when NUXT_MONGODB_URI is set. Same contract as the SQLite one.
// Stock is taken with one conditional $inc per product (atomic per document) and given back if a
// later line of the same order is short, so two orders for the last item never both succeed, on a
// standalone server as well as on a replica set.
import mongoose, { type Connection } from 'mongoose'
import type { Order, OrderItem, Product } from '#shared/types/models'
import { mergeOrderLines } from '../order-lines'
import { StoreError, type ChatRecord, type LivestreamChanges, type LivestreamRecord, type LivestreamStatus, type NewOrder, type PlaceOrderResult, type SampleRecord, type Store, type UserRecord } from '../types'
import { defineModels, type Models } from './models'

type Doc = Record<string, unknown>

const OBJECT_ID = /^[0-9a-f]{24}$/i
const isObjectId = (id: string) => OBJECT_ID.test(id)

/** A lean document as a Store record: `_id` -> `id`, Dates -> ISO strings, unset fields absent. */
function plain<T>(doc: Doc | null | undefined, drop: string[] = []): T {
  const out: Doc = {}
  for (const [key, value] of Object.entries(doc ?? {})) {
    if (value === null || value === undefined || drop.includes(key)) continue
    if (key === '_id') out.id = String(value)
    else out[key] = value instanceof Date ? value.toISOString() : value
  }
  return out as T
}

const toProduct = (doc: Doc) => plain<Product>(doc, ['deletedAt'])
const toLivestream = (doc: Doc) => plain<LivestreamRecord>(doc)

/** `$set` for given values, `$unset` for nulls; ISO strings of time fields become Dates. */
function updateOf(changes: object, times: string[] = []) {
  const $set: Doc = {}
  const $unset: Doc = {}
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue
    if (value === null) $unset[key] = 1
    else $set[key] = times.includes(key) ? new Date(value as string) : value
  }
  return { ...(Object.keys($set).length ? { $set } : {}), ...(Object.keys($unset).length ? { $unset } : {}) }
}

const LIVESTREAM_TIMES = ['scheduledAt', 'startTime', 'endTime']
const statusIn = (onlyIf?: LivestreamStatus[]) => (onlyIf?.length ? { status: { $in: onlyIf } } : {})
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000

/** Connects and makes sure every index exists before the first request. */
export async function openMongoStore(uri: string): Promise<Store> {
  const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000, sanitizeFilter: true })
  await connection.asPromise()
  const models = defineModels(connection)
  await Promise.all(Object.values(models).map(model => model.createIndexes()))
  return new MongoStore(connection, models)
}

class MongoStore implements Store {
  readonly kind = 'mongodb' as const

  constructor(private readonly connection: Connection, private readonly m: Models) {}

  async close() {
    await this.connection.close()
  }

  async createUser(user: Parameters<Store['createUser']>[0]) {
    try {
      const doc = await this.m.users.create({ ...user, createdAt: new Date() })
      return plain<UserRecord>(doc.toObject())
    }
    catch (error) {
      if (isDuplicateKey(error)) throw new StoreError('duplicate', 'email already registered')
      throw error
    }
  }

  async getUser(id: string) {
    if (!isObjectId(id)) return null
    const doc = await this.m.users.findById(id).lean()
    return doc ? plain<UserRecord>(doc) : null
  }

  async findUserByEmail(email: string) {
    const doc = await this.m.users.findOne({ email }).lean()
    return doc ? plain<UserRecord>(doc) : null
  }

  async hasAdmin() {
    return !!(await this.m.users.exists({ role: 'admin' }))
  }

  async createLivestream(input: Parameters<Store['createLivestream']>[0]) {
    const doc = await this.m.livestreams.create({
      ...input,
      scheduledAt: input.scheduledAt ? new Date(input.scheduledAt) : undefined,
      status: 'scheduled',
      createdAt: new Date(),
    })
    return toLivestream(doc.toObject())
  }

  async getLivestream(id: string) {
    if (!isObjectId(id)) return null
    const doc = await this.m.livestreams.findById(id).lean()
    return doc ? toLivestream(doc) : null
  }

  async listLivestreams({ status, limit, after }: Parameters<Store['listLivestreams']>[0]) {
    const filter: Doc = status ? { status } : {}
    if (after && isObjectId(after.id)) {
      const at = new Date(after.createdAt)
      filter.$or = [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: new mongoose.Types.ObjectId(after.id) } }]
    }
    const docs = await this.m.livestreams.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).lean()
    return docs.map(toLivestream)
  }

  async updateLivestream(id: string, changes: LivestreamChanges, onlyIf?: LivestreamStatus[]) {
    if (!isObjectId(id)) return null
    const update = updateOf(changes, LIVESTREAM_TIMES)
    const filter = { _id: id, ...statusIn(onlyIf) }
    const doc = Object.keys(update).length
      ? await this.m.livestreams.findOneAndUpdate(filter, update, { new: true }).lean()
      : await this.m.livestreams.findOne(filter).lean()
    return doc ? toLivestream(doc) : null
  }

  async deleteLivestream(id: string, onlyIf?: LivestreamStatus[]) {
    if (!isObjectId(id)) return false
    const { deletedCount } = await this.m.livestreams.deleteOne({ _id: id, ...statusIn(onlyIf) })
    if (!deletedCount) return false
    await Promise.all([
      this.m.chat.deleteMany({ livestreamId: id }),
      this.m.pins.deleteMany({ livestreamId: id }),
      this.m.views.deleteMany({ livestreamId: id }),
      this.m.samples.deleteMany({ livestreamId: id }),
    ])
    return true
  }

  async addLikes(id: string, count: number) {
    if (!isObjectId(id)) return null
    const doc = await this.m.livestreams.findByIdAndUpdate(id, { $inc: { likes: count } }, { new: true, projection: { likes: 1 } }).lean()
    return doc ? (doc.likes as number) : null
  }

  async addView(id: string, sessionId: string, at: string) {
    if (!(await this.getLivestream(id))) return null
    try {
      await this.m.views.create({ livestreamId: id, sessionId, createdAt: new Date(at) })
    }
    catch (error) {
      if (!isDuplicateKey(error)) throw error
      return (await this.getLivestream(id))!.viewCount
    }
    const doc = await this.m.livestreams.findByIdAndUpdate(id, { $inc: { viewCount: 1 } }, { new: true }).lean()
    return doc ? (doc.viewCount as number) : null
  }

  async setCurrentViewers(id: string, currentViewers: number) {
    if (!isObjectId(id)) return null
    const doc = await this.m.livestreams.findByIdAndUpdate(id,
      { $set: { currentViewers }, $max: { maxViewers: currentViewers } }, { new: true }).lean()
    return doc ? toLivestream(doc) : null
  }

  async setPinned(livestreamId: string, productId: string, pinned: boolean, at: string) {
    if (!pinned) {
      await this.m.pins.updateOne({ livestreamId, productId, open: true }, { $set: { open: false, unpinnedAt: new Date(at) } })
      return
    }
    try {
      await this.m.pins.create({ livestreamId, productId, pinnedAt: new Date(at), open: true })
    }
    catch (error) {
      // Already pinned: the partial unique index refused a second open period.
      if (!isDuplicateKey(error)) throw error
    }
  }

  async closeOpenPins(livestreamId: string, at: string) {
    await this.m.pins.updateMany({ livestreamId, open: true }, { $set: { open: false, unpinnedAt: new Date(at) } })
  }

  async listPinnedProductIds(livestreamId: string) {
    const docs = await this.m.pins.find({ livestreamId, open: true }).sort({ _id: 1 }).lean()
    return docs.map(doc => doc.productId as string)
  }

  async listPins(livestreamId: string) {
    const docs = await this.m.pins.find({ livestreamId }).sort({ _id: 1 }).lean()
    return docs.map(doc => plain<{ productId: string, pinnedAt: string, unpinnedAt?: string }>(doc, ['_id', 'open', 'livestreamId']))
  }

  async appendChat(message: Parameters<Store['appendChat']>[0]) {
    const doc = await this.m.chat.create({ ...message, createdAt: new Date(message.createdAt) })
    return plain<ChatRecord>(doc.toObject())
  }

  async getChat(id: string) {
    if (!isObjectId(id)) return null
    const doc = await this.m.chat.findById(id).lean()
    return doc ? plain<ChatRecord>(doc) : null
  }

  async listChat(livestreamId: string, { before, limit }: Parameters<Store['listChat']>[1]) {
    const filter: Doc = { livestreamId }
    if (before) filter._id = { $lt: new mongoose.Types.ObjectId(before.id) }
    const docs = await this.m.chat.find(filter).sort({ _id: -1 }).limit(limit).lean()
    return docs.reverse().map(doc => plain<ChatRecord>(doc))
  }

  async listChatTimes(livestreamId: string) {
    const docs = await this.m.chat.find({ livestreamId }, { createdAt: 1 }).sort({ _id: 1 }).lean()
    return docs.map(doc => (doc.createdAt as Date).toISOString())
  }

  async createProduct(input: Parameters<Store['createProduct']>[0]) {
    const doc = await this.m.products.create({ ...input, description: input.description ?? '', createdAt: new Date() })
    return toProduct(doc.toObject())
  }

  async getProducts(ids: string[], options: { includeDeleted?: boolean } = {}) {
    const valid = ids.filter(isObjectId)
    if (!valid.length) return []
    const filter: Doc = { _id: { $in: valid } }
    if (!options.includeDeleted) filter.deletedAt = null
    const byId = new Map((await this.m.products.find(filter).lean()).map(doc => [String(doc._id), toProduct(doc)]))
    return ids.flatMap(id => byId.get(id) ?? [])
  }

  async listProducts() {
    const docs = await this.m.products.find({ deletedAt: null }).sort({ createdAt: 1, _id: 1 }).lean()
    return docs.map(toProduct)
  }

  async updateProduct(id: string, changes: Parameters<Store['updateProduct']>[1]) {
    if (!isObjectId(id)) return null
    const update = updateOf(changes)
    const filter = { _id: id, deletedAt: null }
    const doc = Object.keys(update).length
      ? await this.m.products.findOneAndUpdate(filter, update, { new: true }).lean()
      : await this.m.products.findOne(filter).lean()
    return doc ? toProduct(doc) : null
  }

  async deleteProduct(id: string, at: string) {
    if (!isObjectId(id)) return false
    const { modifiedCount } = await this.m.products.updateOne({ _id: id, deletedAt: null }, { $set: { deletedAt: new Date(at) } })
    await this.m.pins.updateMany({ productId: id, open: true }, { $set: { open: false, unpinnedAt: new Date(at) } })
    return modifiedCount > 0
  }

  async placeOrder(order: NewOrder): Promise<PlaceOrderResult> {
    const lines = mergeOrderLines(order.lines)
    const products = new Map((await this.getProducts(lines.map(line => line.productId))).map(p => [p.id, p]))
    const unknown = lines.filter(line => !products.has(line.productId)).map(line => line.productId)
    if (unknown.length) return { ok: false, reason: 'unknown_product', productIds: unknown }
    const currencies = new Set(lines.map(line => products.get(line.productId)!.currency))
    if (currencies.size > 1) return { ok: false, reason: 'mixed_currency' }

    const taken: typeof lines = []
    const giveBack = () => Promise.all(taken.map(line =>
      this.m.products.updateOne({ _id: line.productId }, { $inc: { stock: line.quantity } })))
    for (const line of lines) {
      const result = await this.m.products.updateOne(
        { _id: line.productId, deletedAt: null, stock: { $gte: line.quantity } },
        { $inc: { stock: -line.quantity } },
      )
      if (result.modifiedCount === 1) {
        taken.push(line)
        continue
      }
      await giveBack()
      const now = new Map((await this.getProducts(lines.map(l => l.productId))).map(p => [p.id, p.stock]))
      const shortages = lines
        .map(l => ({ productId: l.productId, requested: l.quantity, available: now.get(l.productId) ?? 0 }))
        .filter(l => l.available < l.requested)
      return { ok: false, reason: 'out_of_stock', shortages: shortages.length ? shortages : [{ productId: line.productId, requested: line.quantity, available: 0 }] }
    }

    const items: OrderItem[] = lines.map((line) => {
      const product = products.get(line.productId)!
      return { productId: product.id, name: product.name, priceCents: product.priceCents, quantity: line.quantity }
    })
    try {
      const doc = await this.m.orders.create({
        userId: order.userId,
        livestreamId: order.livestreamId,
        items,
        totalCents: items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0),
        currency: [...currencies][0],
        shipping: order.shipping,
        status: 'placed',
        createdAt: new Date(order.createdAt),
      })
      return { ok: true, order: plain<Order>(doc.toObject()) }
    }
    catch (error) {
      await giveBack()
      throw error
    }
  }

  async listOrders({ livestreamId }: { livestreamId?: string }) {
    const docs = await this.m.orders.find(livestreamId ? { livestreamId } : {}).sort({ createdAt: 1, _id: 1 }).lean()
    return docs.map(doc => plain<Order>(doc))
  }

  async addSample(sample: SampleRecord) {
    await this.m.samples.create({ ...sample, at: new Date(sample.at) })
  }

  async listSamples(livestreamId: string) {
    const docs = await this.m.samples.find({ livestreamId }).sort({ at: 1 }).lean()
    return docs.map(doc => plain<SampleRecord>(doc, ['_id']))
  }
}
