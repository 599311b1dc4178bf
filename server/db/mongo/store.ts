// The MongoDB store (e.g. Atlas), used when NUXT_MONGODB_URI is set. Same contract as the SQLite one.
// An order takes its stock in a multi-document transaction, so a crash or a short line never leaves
// stock half taken; that needs a replica set (Atlas is one; a single-node one does for development).
import mongoose, { type Connection } from 'mongoose'
import type { Clip, Order, Product, ProductVariant } from '#shared/types/models'
import { StoreError, type AttributionRecord, type AuditRecord, type CappedTake, type ChatRecord, type ChatStatus, type DealRecord, type DeliveryRecord, type DestinationRecord, type FunnelEventRecord, type LivestreamChanges, type NewDelivery, type LivestreamPart, type LivestreamRecord, type LivestreamStatus, type MailRecord, type ModerationRecord, type OnAirRecord, type OnAirResponseRecord, type NewMail, type ReminderRecord, type SampleRecord, type SessionRecord, type Store, type TakeStockResult, type UserRecord } from '../types'
import { LIVESTREAM_FIELDS } from '../fields'
import { defineModels, type Models } from './models'
import { renamePerson } from '../erase-names'
import { importedProduct, stockByKey } from '../variants'

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

const DELIVERY_TIMES = ['nextAttemptAt', 'lastAttemptAt', 'deliveredAt']
const ON_AIR_TIMES = ['createdAt', 'endsAt', 'endedAt']
/** A new outbox document: due now. */
const deliveryDoc = (delivery: NewDelivery) => ({ ...delivery, createdAt: new Date(delivery.createdAt), status: 'pending', attempts: 0, nextAttemptAt: new Date(delivery.createdAt) })

const LIVESTREAM_TIMES = Object.entries(LIVESTREAM_FIELDS).filter(([, kind]) => kind === 'time').map(([field]) => field)
const PART_MODELS = {
  chat: 'chat', pins: 'pins', views: 'views', replayViews: 'replayViews', samples: 'samples', caps: 'counters', moderation: 'moderation', deals: 'deals', funnel: 'funnel', reminders: 'reminders', mails: 'mails', attributions: 'attributions', onAir: 'onAir', onAirResponses: 'onAirResponses', destinations: 'destinations', clips: 'clips',
} as const satisfies Record<LivestreamPart, keyof Models>
const VIEW_MODELS = { live: ['views', 'viewCount'], replay: ['replayViews', 'replayViews'] } as const
const statusIn = (onlyIf?: LivestreamStatus[]) => (onlyIf?.length ? { status: { $in: onlyIf } } : {})
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000

/** Whether an insert kept its document: false when a unique index already had one like it. */
async function createUnlessDuplicate(insert: Promise<unknown>) {
  try {
    await insert
    return true
  }
  catch (error) {
    if (isDuplicateKey(error)) return false
    throw error
  }
}

/** Connects, checks that transactions are possible, and makes sure every index exists before the first request. */
export async function openMongoStore(uri: string): Promise<Store> {
  // No `sanitizeFilter`: it wraps every operator object in $eq, this store's own `$gte` and `$in`
  // included, so stock could never be taken. Filters here are built from validated strings only.
  const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 })
  await connection.asPromise()
  const hello = await connection.db!.admin().command({ hello: 1 })
  if (!hello.setName && hello.msg !== 'isdbgrid') {
    await connection.close()
    throw new Error('MongoDB must be a replica set (Atlas is; locally: mongod --replSet rs0, then rs.initiate()): orders take their stock in a transaction')
  }
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

  async ping() {
    await this.connection.db!.admin().ping()
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

  async listUsers({ role }: Parameters<Store['listUsers']>[0]) {
    const docs = await this.m.users.find({ role }).sort({ createdAt: 1, _id: 1 }).lean()
    return docs.map(doc => plain<UserRecord>(doc))
  }

  async deleteUser(id: string) {
    if (!isObjectId(id)) return false
    return (await this.m.users.deleteOne({ _id: id })).deletedCount > 0
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
    return deletedCount > 0
  }

  async deleteLivestreamParts(id: string, parts: LivestreamPart[]) {
    await Promise.all(parts.map(part => this.m[PART_MODELS[part]].deleteMany({ livestreamId: id })))
  }

  async addLikes(id: string, count: number, at: string) {
    if (!isObjectId(id)) return null
    const doc = await this.m.livestreams.findByIdAndUpdate(id, { $inc: { likes: count }, $set: { countersAt: new Date(at) } },
      { new: true, projection: { likes: 1 } }).lean()
    return doc ? (doc.likes as number) : null
  }

  async addView(id: string, sessionId: string, at: string, kind: 'live' | 'replay' = 'live') {
    const [model, counter] = VIEW_MODELS[kind]
    const stream = await this.getLivestream(id)
    if (!stream) return null
    try {
      await this.m[model].create({ livestreamId: id, sessionId, createdAt: new Date(at) })
    }
    catch (error) {
      if (!isDuplicateKey(error)) throw error
      return stream[counter]
    }
    const doc = await this.m.livestreams.findByIdAndUpdate(id, { $inc: { [counter]: 1 }, $set: { countersAt: new Date(at) } }, { new: true }).lean()
    return doc ? (doc[counter] as number) : null
  }

  async setCurrentViewers(id: string, currentViewers: number, at: string) {
    if (!isObjectId(id)) return null
    const doc = await this.m.livestreams.findByIdAndUpdate(id,
      { $set: { currentViewers, countersAt: new Date(at) }, $max: { maxViewers: currentViewers } }, { new: true }).lean()
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

  async closeOpenPins(of: { livestreamId: string } | { productId: string }, at: string) {
    await this.m.pins.updateMany({ ...of, open: true }, { $set: { open: false, unpinnedAt: new Date(at) } })
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

  async listChat(livestreamId: string, { before, limit, status }: Parameters<Store['listChat']>[1]) {
    const filter: Doc = { livestreamId }
    if (before) filter._id = { $lt: new mongoose.Types.ObjectId(before.id) }
    if (status !== 'any') filter.status = status ?? { $exists: false }
    const docs = await this.m.chat.find(filter).sort({ _id: -1 }).limit(limit).lean()
    return docs.reverse().map(doc => plain<ChatRecord>(doc))
  }

  async setChatStatus(of: Parameters<Store['setChatStatus']>[0], status: ChatStatus | null, onlyIf?: Array<ChatStatus | undefined>) {
    if ('id' in of && !isObjectId(of.id)) return []
    const filter: Doc = 'id' in of ? { _id: of.id } : { livestreamId: of.livestreamId, userId: of.userId }
    if (onlyIf) filter.$or = onlyIf.map(state => ({ status: state ?? { $exists: false } }))
    const ids = (await this.m.chat.find(filter, { _id: 1 }).lean()).map(doc => doc._id)
    if (!ids.length) return []
    await this.m.chat.updateMany({ ...filter, _id: { $in: ids } }, status ? { $set: { status } } : { $unset: { status: 1 } })
    const changed = await this.m.chat.find({ _id: { $in: ids }, status: status ?? { $exists: false } }).sort({ _id: 1 }).lean()
    return changed.map(doc => plain<ChatRecord>(doc))
  }

  async lastChatOf(livestreamId: string, userId: string) {
    const doc = await this.m.chat.findOne({ livestreamId, userId }).sort({ _id: -1 }).lean()
    return doc ? plain<ChatRecord>(doc) : null
  }

  async addFunnelEvents(events: FunnelEventRecord[]) {
    if (!events.length) return 0
    // The unique index keeps one per session, product and step; the repeats are refused one by one.
    const result = await this.m.funnel.insertMany(events.map(event => ({ ...event, at: new Date(event.at) })), { ordered: false, rawResult: true })
      .catch((error: { code?: number, insertedCount?: number, result?: { insertedCount?: number } }) => {
        if (error.code !== 11000 && !String(error).includes('E11000')) throw error
        return { insertedCount: error.insertedCount ?? error.result?.insertedCount ?? 0 }
      })
    return (result as { insertedCount?: number }).insertedCount ?? 0
  }

  async listFunnelEvents(livestreamId: string) {
    const docs = await this.m.funnel.find({ livestreamId }).sort({ at: 1 }).lean()
    return docs.map(doc => plain<FunnelEventRecord>(doc, ['_id']))
  }

  async funnelUsage(livestreamId: string, sessionId: string) {
    const [rows, known] = await Promise.all([this.m.funnel.countDocuments({ livestreamId }), this.m.funnel.exists({ livestreamId, sessionId })])
    return { rows, sessionKnown: !!known }
  }

  async addReminder(reminder: Parameters<Store['addReminder']>[0]): Promise<{ reminder: ReminderRecord, created: boolean }> {
    // An upsert on the unique (show, address) pair. Two at the same moment can both try to insert:
    // the loser gets a duplicate key error, and then finds the winner's.
    try {
      const result = await this.m.reminders.findOneAndUpdate(
        { livestreamId: reminder.livestreamId, email: reminder.email },
        { $setOnInsert: { ...reminder, createdAt: new Date(reminder.createdAt), status: 'pending' } },
        { upsert: true, new: true, includeResultMetadata: true },
      ).lean()
      return { reminder: plain<ReminderRecord>(result.value as Doc), created: !result.lastErrorObject?.updatedExisting }
    }
    catch (error) {
      if (!isDuplicateKey(error)) throw error
      const doc = await this.m.reminders.findOne({ livestreamId: reminder.livestreamId, email: reminder.email }).lean()
      return { reminder: plain<ReminderRecord>(doc), created: false }
    }
  }

  async getReminder(id: string) {
    if (!isObjectId(id)) return null
    const doc = await this.m.reminders.findById(id).lean()
    return doc ? plain<ReminderRecord>(doc) : null
  }

  async confirmReminder(id: string, at: string) {
    if (!isObjectId(id)) return null
    await this.m.reminders.updateOne({ _id: id, status: 'pending' }, { $set: { status: 'confirmed', confirmedAt: new Date(at) } })
    return this.getReminder(id)
  }

  async deleteReminder(id: string) {
    if (!isObjectId(id)) return false
    await this.m.mails.deleteMany({ reminderId: id, status: 'pending' })
    return (await this.m.reminders.deleteOne({ _id: id })).deletedCount > 0
  }

  async listConfirmedReminders(livestreamId: string, query: { after?: string, limit: number }) {
    const after = query.after && isObjectId(query.after) ? { _id: { $gt: query.after } } : {}
    const docs = await this.m.reminders.find({ livestreamId, status: 'confirmed', ...after }).sort({ _id: 1 }).limit(query.limit).lean()
    return docs.map(doc => plain<ReminderRecord>(doc))
  }

  async countReminders(livestreamId: string) {
    const [pending, confirmed] = await Promise.all(['pending', 'confirmed'].map(status => this.m.reminders.countDocuments({ livestreamId, status })))
    return { pending: pending!, confirmed: confirmed! }
  }

  async enqueueMails(mails: NewMail[]) {
    const queued: string[] = []
    for (const mail of mails) {
      try {
        await this.m.mails.create({ ...mail, createdAt: new Date(mail.createdAt), status: 'pending', attempts: 0, nextAttemptAt: new Date(mail.createdAt) })
        queued.push(mail.key)
      }
      catch (error) {
        if (!isDuplicateKey(error)) throw error
      }
    }
    return queued
  }

  async claimMails(now: string, leaseUntil: string, limit: number) {
    return this.claimDue<MailRecord>('mails', now, leaseUntil, limit)
  }

  async updateMail(id: string, changes: Parameters<Store['updateMail']>[1]) {
    if (isObjectId(id)) await this.m.mails.updateOne({ _id: id }, updateOf(changes, ['nextAttemptAt', 'sentAt']))
  }

  async getMailByKey(key: string) {
    const doc = await this.m.mails.findOne({ key }).lean()
    return doc ? plain<MailRecord>(doc) : null
  }

  async enqueueDeliveries(deliveries: NewDelivery[]) {
    if (deliveries.length) await this.m.deliveries.insertMany(deliveries.map(deliveryDoc))
  }

  async claimDeliveries(now: string, leaseUntil: string, limit: number) {
    return this.claimDue<DeliveryRecord>('deliveries', now, leaseUntil, limit)
  }

  /** An outbox's due documents, oldest due first, lent out until `leaseUntil`. */
  private async claimDue<T>(outbox: 'deliveries' | 'mails', now: string, leaseUntil: string, limit: number) {
    const claimed: T[] = []
    // One at a time, each taken atomically: two processes never hold the same row.
    while (claimed.length < limit) {
      const doc = await this.m[outbox].findOneAndUpdate(
        { status: 'pending', nextAttemptAt: { $lte: new Date(now) } },
        { $set: { nextAttemptAt: new Date(leaseUntil) } },
        { sort: { nextAttemptAt: 1, _id: 1 }, new: true },
      ).lean()
      if (!doc) break
      claimed.push(plain<T>(doc))
    }
    return claimed
  }

  async updateDelivery(id: string, changes: Parameters<Store['updateDelivery']>[1]) {
    if (!isObjectId(id)) return null
    const doc = await this.m.deliveries.findByIdAndUpdate(id, updateOf(changes, DELIVERY_TIMES), { new: true }).lean()
    return doc ? plain<DeliveryRecord>(doc) : null
  }

  async getDelivery(id: string) {
    if (!isObjectId(id)) return null
    const doc = await this.m.deliveries.findById(id).lean()
    return doc ? plain<DeliveryRecord>(doc) : null
  }

  async listDeliveries(limit: number) {
    const docs = await this.m.deliveries.find().sort({ _id: -1 }).limit(limit).lean()
    return docs.map(doc => plain<DeliveryRecord>(doc))
  }

  async readCounters(counters: string[]) {
    const used = new Map((await this.m.counters.find({ _id: { $in: counters } }).lean()).map(doc => [String(doc._id), doc.used as number]))
    return Object.fromEntries(counters.map(counter => [counter, used.get(counter) ?? 0]))
  }

  async createDeal(deal: Parameters<Store['createDeal']>[0]) {
    const doc = await this.m.deals.create({ ...deal, startsAt: new Date(deal.startsAt), endsAt: new Date(deal.endsAt) })
    return plain<DealRecord>(doc.toObject())
  }

  async getDeal(id: string) {
    if (!isObjectId(id)) return null
    const doc = await this.m.deals.findById(id).lean()
    return doc ? plain<DealRecord>(doc) : null
  }

  async listDeals(query: Parameters<Store['listDeals']>[0]) {
    const filter = 'livestreamId' in query ? { livestreamId: query.livestreamId } : { endedAt: { $exists: false } }
    const docs = await this.m.deals.find(filter).sort({ startsAt: 1, _id: 1 }).lean()
    return docs.map(doc => plain<DealRecord>(doc))
  }

  async endDeal(id: string, at: string, reason: Parameters<Store['endDeal']>[2]) {
    if (!isObjectId(id)) return null
    const doc = await this.m.deals.findOneAndUpdate({ _id: id, endedAt: { $exists: false } }, { $set: { endedAt: new Date(at), endReason: reason } }, { new: true }).lean()
    return doc ? plain<DealRecord>(doc) : null
  }

  async appendModeration(action: Parameters<Store['appendModeration']>[0]) {
    const doc = await this.m.moderation.create({ ...action, createdAt: new Date(action.createdAt), ...(action.until ? { until: new Date(action.until) } : {}) })
    return plain<ModerationRecord>(doc.toObject())
  }

  async listModeration(livestreamId: string) {
    const docs = await this.m.moderation.find({ livestreamId }).sort({ _id: 1 }).lean()
    return docs.map(doc => plain<ModerationRecord>(doc))
  }

  async listChatTimes(livestreamId: string) {
    const docs = await this.m.chat.find({ livestreamId }, { createdAt: 1 }).sort({ _id: 1 }).lean()
    return docs.map(doc => (doc.createdAt as Date).toISOString())
  }

  async createProduct(input: Parameters<Store['createProduct']>[0]) {
    const doc = await this.m.products.create({ ...input, description: input.description ?? '', createdAt: new Date() })
    return toProduct(doc.toObject())
  }

  async upsertProductsBySku(products: Parameters<Store['upsertProductsBySku']>[0]) {
    const session = await this.connection.startSession()
    try {
      let result = { created: [] as string[], updated: [] as string[] }
      // One transaction: an import lands whole or not at all.
      await session.withTransaction(async () => {
        const existing = new Map((await this.m.products.find({ sku: { $in: products.map(p => p.sku) }, deletedAt: null }, { _id: 1, sku: 1, variants: 1 }, { session }).lean())
          .map(doc => [doc.sku as string, { id: String(doc._id), variants: doc.variants as ProductVariant[] | undefined }]))
        const created: string[] = []
        const updated: string[] = []
        for (const { variants: incoming, ...product } of products) {
          const known = existing.get(product.sku)
          const doc = importedProduct(product, incoming, known?.variants)
          if (known) {
            await this.m.products.updateOne({ _id: known.id }, { $set: doc }, { session })
            updated.push(known.id)
          }
          else {
            const [made] = await this.m.products.create([{ ...doc, description: product.description ?? '', createdAt: new Date() }], { session })
            created.push(String(made!._id))
          }
        }
        result = { created, updated }
      })
      return result
    }
    finally {
      await session.endSession()
    }
  }

  async setStockBySku(items: Parameters<Store['setStockBySku']>[0]) {
    const skus = items.map(item => item.sku)
    const found = await this.m.products.find({ $or: [{ sku: { $in: skus }, variants: null }, { 'variants.sku': { $in: skus } }], deletedAt: null }, { _id: 1, sku: 1, variants: 1 }).lean()
    const bySku = new Map<string, string[]>()
    const note = (sku: string, id: string) => bySku.set(sku, [...(bySku.get(sku) ?? []), id])
    for (const doc of found) {
      if (!doc.variants) note(doc.sku as string, String(doc._id))
      for (const variant of (doc.variants ?? []) as ProductVariant[]) if (variant.sku && skus.includes(variant.sku)) note(variant.sku, String(doc._id))
    }
    const known = items.filter(item => bySku.has(item.sku))
    // A shade's stock and the product's sum in one pipeline update: no order's take slips between them.
    if (known.length) {
      await this.m.products.collection.bulkWrite(known.flatMap(({ sku, stock }) => [
        { updateMany: { filter: { sku, deletedAt: null, variants: null }, update: { $set: { stock } } } },
        { updateMany: { filter: { 'variants.sku': sku, 'deletedAt': null }, update: [
          { $set: { variants: { $map: { input: '$variants', as: 'v', in: { $cond: [{ $eq: ['$$v.sku', sku] }, { $mergeObjects: ['$$v', { stock }] }, '$$v'] } } } } },
          { $set: { stock: { $sum: '$variants.stock' } } },
        ] } },
      ]), { ordered: true })
    }
    return { updated: known.flatMap(item => bySku.get(item.sku)!), unknown: items.filter(item => !bySku.has(item.sku)).map(item => item.sku) }
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
    return modifiedCount > 0
  }

  async placeOrder(order: Order, caps: CappedTake[] = [], deliveries: NewDelivery[] = []): Promise<TakeStockResult> {
    const session = await this.connection.startSession()
    try {
      // withTransaction retries on a write conflict (two orders for one product): the retry sees the new stock.
      await session.withTransaction(async () => {
        for (const item of order.items) {
          // A shade's stock and the product's sum move together, in one document update.
          const taken = item.variantId
            ? await this.m.products.updateOne(
                { _id: item.productId, deletedAt: null, variants: { $elemMatch: { id: item.variantId, stock: { $gte: item.quantity } } } },
                { $inc: { 'stock': -item.quantity, 'variants.$.stock': -item.quantity } },
                { session },
              )
            : await this.m.products.updateOne(
                { _id: item.productId, deletedAt: null, variants: null, stock: { $gte: item.quantity } },
                { $inc: { stock: -item.quantity } },
                { session },
              )
          if (taken.modifiedCount !== 1) throw new ShortStock()
        }
        for (const cap of caps) await this.count(cap, session)
        const { id, createdAt, ...rest } = order
        await this.m.orders.create([{ _id: id, ...rest, createdAt: new Date(createdAt) }], { session })
        if (deliveries.length) await this.m.deliveries.create(deliveries.map(deliveryDoc), { session, ordered: true })
      })
      return { ok: true }
    }
    catch (error) {
      if (!(error instanceof ShortStock)) throw error
      return {
        ok: false,
        stock: stockByKey(order.items, await this.getProducts(order.items.map(item => item.productId))),
        used: await this.readCounters(caps.map(cap => cap.counter)),
      }
    }
    finally {
      await session.endSession()
    }
  }

  /**
   * Adds a cap's amount to its counter inside the order's transaction, if it stays within `max`. A
   * counter at its ceiling fails the filter, and the upsert then collides with the existing _id.
   */
  private async count(cap: CappedTake, session: mongoose.ClientSession) {
    if (cap.amount > cap.max) throw new ShortStock()
    try {
      await this.m.counters.updateOne(
        { _id: cap.counter, used: { $lte: cap.max - cap.amount } },
        { $inc: { used: cap.amount }, $setOnInsert: { livestreamId: cap.livestreamId } },
        { upsert: true, session },
      )
    }
    catch (error) {
      if (isDuplicateKey(error)) throw new ShortStock()
      throw error
    }
  }

  async listOrders({ livestreamId, userId }: Parameters<Store['listOrders']>[0]) {
    const docs = await this.m.orders.find(livestreamId ? { livestreamId } : userId ? { userId } : {}).sort({ createdAt: 1, _id: 1 }).lean()
    return docs.map(doc => plain<Order>(doc))
  }

  // On air

  async createOnAir({ id, ...item }: OnAirRecord) {
    await this.m.onAir.create({ _id: id, ...updateOf(item, ON_AIR_TIMES).$set })
  }

  async getOnAir(id: string) {
    if (!isObjectId(id)) return null
    const doc = await this.m.onAir.findById(id).lean()
    return doc ? plain<OnAirRecord>(doc) : null
  }

  async listOnAir(livestreamId: string, kind?: OnAirRecord['kind']) {
    const docs = await this.m.onAir.find({ livestreamId, ...(kind ? { kind } : {}) }).sort({ _id: 1 }).lean()
    return docs.map(doc => plain<OnAirRecord>(doc))
  }

  async updateOnAir(id: string, changes: Parameters<Store['updateOnAir']>[1], onlyIf: string[]) {
    if (!isObjectId(id)) return null
    const doc = await this.m.onAir.findOneAndUpdate({ _id: id, status: { $in: onlyIf } }, updateOf(changes, ON_AIR_TIMES), { new: true }).lean()
    return doc ? plain<OnAirRecord>(doc) : null
  }

  async respondOnAir(response: OnAirResponseRecord, mode: 'replace' | 'once') {
    const doc = { ...response, at: new Date(response.at) }
    if (mode === 'replace') {
      await this.m.onAirResponses.updateOne({ itemId: response.itemId, userId: response.userId }, { $set: doc }, { upsert: true })
      return true
    }
    return createUnlessDuplicate(this.m.onAirResponses.create(doc))
  }

  async listOnAirResponses(itemId: string) {
    const docs = await this.m.onAirResponses.find({ itemId }).sort({ at: 1, userId: 1 }).lean()
    return docs.map(doc => plain<OnAirResponseRecord>(doc, ['_id']))
  }

  async countOnAirResponses(itemId: string) {
    const groups = await this.m.onAirResponses.aggregate<{ _id: number, n: number }>([{ $match: { itemId } }, { $group: { _id: '$value', n: { $sum: 1 } } }])
    return Object.fromEntries(groups.map(group => [group._id, group.n]))
  }

  async onAirResponsesOf(livestreamId: string, userId: string) {
    const docs = await this.m.onAirResponses.find({ livestreamId, userId }).lean()
    return docs.map(doc => plain<OnAirResponseRecord>(doc, ['_id']))
  }

  async onAirOfUser(userId: string) {
    const [items, responses] = await Promise.all([
      this.m.onAir.find({ userId }).sort({ _id: 1 }).lean(),
      this.m.onAirResponses.find({ userId }).sort({ at: 1 }).lean(),
    ])
    return { items: items.map(doc => plain<OnAirRecord>(doc)), responses: responses.map(doc => plain<OnAirResponseRecord>(doc, ['_id'])) }
  }

  // Clips

  async addClip({ id, createdAt, ...clip }: Clip) {
    await this.m.clips.create({ _id: id, ...clip, createdAt: new Date(createdAt) })
  }

  async getClip(id: string) {
    if (!isObjectId(id)) return null
    const doc = await this.m.clips.findById(id).lean()
    return doc ? plain<Clip>(doc) : null
  }

  async listClips(livestreamId: string) {
    return (await this.m.clips.find({ livestreamId }).sort({ _id: 1 }).lean()).map(doc => plain<Clip>(doc))
  }

  // Restream destinations

  async addDestination({ id, createdAt, ...destination }: DestinationRecord) {
    await this.m.destinations.create({ _id: id, ...destination, createdAt: new Date(createdAt) })
  }

  async listDestinations(livestreamId: string) {
    const docs = await this.m.destinations.find({ livestreamId }).sort({ _id: 1 }).lean()
    return docs.map(doc => plain<DestinationRecord>(doc))
  }

  async deleteDestination(livestreamId: string, id: string) {
    if (!isObjectId(id)) return false
    return (await this.m.destinations.deleteOne({ _id: id, livestreamId })).deletedCount > 0
  }

  async addAttribution(attribution: AttributionRecord) {
    return createUnlessDuplicate(this.m.attributions.create({ ...attribution, createdAt: new Date(attribution.createdAt) }))
  }

  async listAttributions(livestreamId: string) {
    const docs = await this.m.attributions.find({ livestreamId }).sort({ createdAt: 1, orderId: 1 }).lean()
    return docs.map(doc => plain<AttributionRecord>(doc, ['_id']))
  }

  async listFunnelEventsOfUser(userId: string) {
    const docs = await this.m.funnel.find({ userId }).sort({ at: 1 }).lean()
    return docs.map(doc => plain<FunnelEventRecord>(doc, ['_id']))
  }

  async listChatOfUser(userId: string) {
    const docs = await this.m.chat.find({ userId }).sort({ _id: 1 }).lean()
    return docs.map(doc => plain<ChatRecord>(doc))
  }

  async listRemindersOf(email: string) {
    const docs = await this.m.reminders.find({ email }).sort({ _id: 1 }).lean()
    return docs.map(doc => plain<ReminderRecord>(doc))
  }

  async eraseUser(userId: string, email: string | undefined, erased: Parameters<Store['eraseUser']>[2]) {
    if (!isObjectId(userId)) return false
    const session = await this.connection.startSession()
    try {
      let existed = false
      // One transaction: a customer is erased everywhere or nowhere.
      await session.withTransaction(async () => {
        await this.m.orders.updateMany({ userId }, { $set: { shipping: erased.shipping } }, { session })
        await this.m.chat.updateMany({ userId }, { $set: { displayName: erased.displayName } }, { session })
        await this.m.moderation.updateMany({ targetUserId: userId }, { $set: { targetName: erased.displayName } }, { session })
        await this.m.funnel.updateMany({ userId }, { $unset: { userId: 1 } }, { session })
        await this.m.onAirResponses.updateMany({ userId }, { $set: { displayName: erased.displayName } }, { session })
        // Their questions and the giveaways they won name them inside the items' data.
        for (const item of await this.m.onAir.find({ $or: [{ 'data.user.id': userId }, { 'data.winners.id': userId }] }, { data: 1 }, { session }).lean()) {
          await this.m.onAir.updateOne({ _id: item._id }, { $set: { data: renamePerson(item.data, userId, erased.displayName) } }, { session })
        }
        if (email) {
          await this.m.mails.deleteMany({ recipient: email, status: 'pending' }, { session })
          await this.m.reminders.deleteMany({ email }, { session })
        }
        existed = (await this.m.users.deleteOne({ _id: userId }, { session })).deletedCount > 0
      })
      return existed
    }
    finally {
      await session.endSession()
    }
  }

  async appendAudit(entry: Parameters<Store['appendAudit']>[0]) {
    const doc = await this.m.audit.create({ ...entry, createdAt: new Date(entry.createdAt) })
    return plain<AuditRecord>(doc.toObject())
  }

  async listAudit(limit: number) {
    const docs = await this.m.audit.find().sort({ _id: -1 }).limit(limit).lean()
    return docs.map(doc => plain<AuditRecord>(doc))
  }

  async addSample(sample: SampleRecord) {
    await this.m.samples.create({ ...sample, at: new Date(sample.at) })
  }

  async listSamples(livestreamId: string) {
    const docs = await this.m.samples.find({ livestreamId }).sort({ at: 1 }).lean()
    return docs.map(doc => plain<SampleRecord>(doc, ['_id']))
  }

  async createSession({ id, ...session }: Parameters<Store['createSession']>[0]) {
    await this.m.sessions.create({ _id: id, ...session })
  }

  async getSession(id: string) {
    if (!isObjectId(id)) return null
    const doc = await this.m.sessions.findById(id).lean()
    return doc ? plain<SessionRecord>(doc) : null
  }

  async listSessionsOf(userId: string) {
    const docs = await this.m.sessions.find({ userId }).sort({ createdAt: 1 }).lean()
    return docs.map(doc => plain<SessionRecord>(doc))
  }

  async revokeSessions(of: Parameters<Store['revokeSessions']>[0], at: string) {
    const filter = 'id' in of ? { _id: of.id } : { userId: of.userId }
    if ('id' in of && !isObjectId(of.id)) return 0
    const { modifiedCount } = await this.m.sessions.updateMany({ ...filter, revokedAt: null }, { $set: { revokedAt: new Date(at) } })
    return modifiedCount
  }
}

/** Aborts an order's transaction when a product is short or a cap is reached. */
class ShortStock extends Error {}
