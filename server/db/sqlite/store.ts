// The embedded store: one SQLite file in NUXT_DATA_DIR, WAL mode so several processes on one host
// can share it. better-sqlite3 is synchronous; every multi-step write is one IMMEDIATE transaction,
// which is what makes an order's stock take atomic across processes too.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Clip, Order, Product, ProductVariant } from '#shared/types/models'
import { ATTRIBUTION_FIELDS, AUDIT_FIELDS, CLIP_FIELDS, DESTINATION_FIELDS, ON_AIR_FIELDS, ON_AIR_RESPONSE_FIELDS, CHAT_FIELDS, DEAL_FIELDS, DELIVERY_FIELDS, LIVESTREAM_FIELDS, MAIL_FIELDS, MODERATION_FIELDS, ORDER_FIELDS, PRODUCT_FIELDS, REMINDER_FIELDS, SAMPLE_FIELDS, SESSION_FIELDS, USER_FIELDS } from '../fields'
import { newId } from '../ids'
import { importedProduct, setVariantStock, stockByKey, variantStockSum } from '../variants'
import { StoreError, type AttributionRecord, type AuditRecord, type CappedTake, type ChatRecord, type ChatStatus, type DealRecord, type DeliveryRecord, type DestinationRecord, type FunnelEventRecord, type LivestreamPart, type LivestreamRecord, type LivestreamStatus, type MailRecord, type ModerationRecord, type OnAirRecord, type OnAirResponseRecord, type ReminderRecord, type SampleRecord, type SessionRecord, type Store, type TakeStockResult, type UserRecord } from '../types'
import { renamePerson } from '../erase-names'
import { migrate } from './migrations'
import { fromRow, insertClause, rowsOf, setClause } from './rows'

type Row = Record<string, unknown>

/** Opens (creating if needed) the database in `dataDir`, or in memory for ':memory:'. */
export function openSqliteStore(dataDir: string): Store {
  let file = ':memory:'
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true })
    file = join(dataDir, 'wrencos.sqlite')
  }
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  // Another process holding the write lock makes us wait, not fail.
  db.pragma('busy_timeout = 5000')
  migrate(db)
  return new SqliteStore(db)
}

const statusFilter = (onlyIf?: LivestreamStatus[]) =>
  onlyIf?.length ? ` AND status IN (${onlyIf.map(s => `'${s}'`).join(',')})` : ''

const toUser = rowsOf<UserRecord>(USER_FIELDS)
const toLivestream = rowsOf<LivestreamRecord>(LIVESTREAM_FIELDS)
const toProduct = rowsOf<Product>(PRODUCT_FIELDS)
const toChat = rowsOf<ChatRecord>(CHAT_FIELDS)
const toOrder = rowsOf<Order>(ORDER_FIELDS)
const toSample = rowsOf<SampleRecord>(SAMPLE_FIELDS)
const toSession = rowsOf<SessionRecord>(SESSION_FIELDS)
const toModeration = rowsOf<ModerationRecord>(MODERATION_FIELDS)
const toDeal = rowsOf<DealRecord>(DEAL_FIELDS)
const toDelivery = rowsOf<DeliveryRecord>(DELIVERY_FIELDS)
const toReminder = rowsOf<ReminderRecord>(REMINDER_FIELDS)
const toMail = rowsOf<MailRecord>(MAIL_FIELDS)
const toAudit = rowsOf<AuditRecord>(AUDIT_FIELDS)
const toAttribution = rowsOf<AttributionRecord>(ATTRIBUTION_FIELDS)
const toOnAir = rowsOf<OnAirRecord>(ON_AIR_FIELDS)
const toDestination = rowsOf<DestinationRecord>(DESTINATION_FIELDS)
const toClip = rowsOf<Clip>(CLIP_FIELDS)
const toOnAirResponse = rowsOf<OnAirResponseRecord>(ON_AIR_RESPONSE_FIELDS)
const toFunnelEvent = rowsOf<FunnelEventRecord>({ livestreamId: 'text', sessionId: 'text', productId: 'text', type: 'text', at: 'time', userId: 'text' })

/** The table of each part a livestream owns. */
const PART_TABLES: Record<LivestreamPart, string> = {
  chat: 'chat_messages', pins: 'pins', views: 'livestream_views', replayViews: 'livestream_replay_views', samples: 'analytics_samples', caps: 'capped_counters', moderation: 'moderation_actions', deals: 'deals', funnel: 'funnel_events', reminders: 'reminders', mails: 'mails', attributions: 'attributions', onAir: 'on_air', onAirResponses: 'on_air_responses', destinations: 'destinations', clips: 'clips',
}

const VIEW_TABLES = { live: ['livestream_views', 'view_count'], replay: ['livestream_replay_views', 'replay_views'] } as const

class SqliteStore implements Store {
  readonly kind = 'sqlite' as const

  constructor(private readonly db: Database.Database) {}

  async close() {
    this.db.close()
  }

  async ping() {
    this.one('SELECT 1')
  }

  private readonly statements = new Map<string, Database.Statement>()

  /**
   * A prepared statement, compiled once per SQL text: preparing cost more than running the
   * statement itself under load (bench/likestorm.mjs profile). The texts are this file's own, so
   * the cache stays small.
   */
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql)
    if (!prepared) {
      prepared = this.db.prepare(sql)
      this.statements.set(sql, prepared)
    }
    return prepared
  }

  private one(sql: string, ...params: unknown[]): Row | undefined {
    return this.statement(sql).get(...params) as Row | undefined
  }

  private all(sql: string, ...params: unknown[]): Row[] {
    return this.statement(sql).all(...params) as Row[]
  }

  private insert(table: string, record: object, fields: Parameters<typeof insertClause>[1]) {
    const { sql, params } = insertClause(record, fields)
    this.statement(`INSERT INTO ${table} ${sql}`).run(params)
  }

  // Users

  async createUser(user: Parameters<Store['createUser']>[0]) {
    const id = newId()
    try {
      this.insert('users', { ...user, id, createdAt: new Date().toISOString() }, USER_FIELDS)
    }
    catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new StoreError('duplicate', 'email already registered')
      throw error
    }
    return toUser(this.one('SELECT * FROM users WHERE id = ?', id)!)
  }

  async getUser(id: string) {
    const row = this.one('SELECT * FROM users WHERE id = ?', id)
    return row ? toUser(row) : null
  }

  async findUserByEmail(email: string) {
    const row = this.one('SELECT * FROM users WHERE email = ?', email)
    return row ? toUser(row) : null
  }

  async hasAdmin() {
    return !!this.one(`SELECT 1 FROM users WHERE role = 'admin' LIMIT 1`)
  }

  async listUsers({ role }: Parameters<Store['listUsers']>[0]) {
    return this.all('SELECT * FROM users WHERE role = ? ORDER BY created_at, id', role).map(toUser)
  }

  async deleteUser(id: string) {
    return this.statement('DELETE FROM users WHERE id = ?').run(id).changes > 0
  }

  // Livestreams

  async createLivestream(input: Parameters<Store['createLivestream']>[0]) {
    const id = newId()
    this.insert('livestreams', { ...input, id, status: 'scheduled', createdAt: new Date().toISOString() }, LIVESTREAM_FIELDS)
    return (await this.getLivestream(id))!
  }

  async getLivestream(id: string) {
    const row = this.one('SELECT * FROM livestreams WHERE id = ?', id)
    return row ? toLivestream(row) : null
  }

  async listLivestreams({ status, limit, after }: Parameters<Store['listLivestreams']>[0]) {
    const where: string[] = []
    const params: unknown[] = []
    if (status) {
      where.push('status = ?')
      params.push(status)
    }
    if (after) {
      where.push('(created_at < ? OR (created_at = ? AND id < ?))')
      params.push(after.createdAt, after.createdAt, after.id)
    }
    const sql = `SELECT * FROM livestreams ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT ?`
    return this.all(sql, ...params, limit).map(toLivestream)
  }

  async updateLivestream(id: string, changes: Parameters<Store['updateLivestream']>[1], onlyIf?: LivestreamStatus[]) {
    const { sql, params } = setClause(changes, LIVESTREAM_FIELDS)
    if (sql) {
      const result = this.statement(`UPDATE livestreams SET ${sql} WHERE id = @id${statusFilter(onlyIf)}`).run({ ...params, id })
      if (result.changes === 0) return null
      return this.getLivestream(id)
    }
    const current = await this.getLivestream(id)
    return current && (!onlyIf || onlyIf.includes(current.status)) ? current : null
  }

  async deleteLivestream(id: string, onlyIf?: LivestreamStatus[]) {
    return this.statement(`DELETE FROM livestreams WHERE id = ?${statusFilter(onlyIf)}`).run(id).changes > 0
  }

  async deleteLivestreamParts(id: string, parts: LivestreamPart[]) {
    // Every part's table keys its rows by livestream_id.
    this.db.transaction(() => {
      for (const part of parts) this.statement(`DELETE FROM ${PART_TABLES[part]} WHERE livestream_id = ?`).run(id)
    }).immediate()
  }

  async addLikes(id: string, count: number, at: string) {
    const row = this.one('UPDATE livestreams SET likes = likes + ?, counters_at = ? WHERE id = ? RETURNING likes', count, at, id)
    return row ? (row.likes as number) : null
  }

  async addView(id: string, sessionId: string, at: string, kind: 'live' | 'replay' = 'live') {
    const [table, counter] = VIEW_TABLES[kind]
    return this.db.transaction(() => {
      if (!this.one('SELECT 1 FROM livestreams WHERE id = ?', id)) return null
      const inserted = this.statement(`INSERT OR IGNORE INTO ${table} (livestream_id, session_id, created_at)
        VALUES (?, ?, ?)`).run(id, sessionId, at)
      const row = inserted.changes
        ? this.one(`UPDATE livestreams SET ${counter} = ${counter} + 1, counters_at = ? WHERE id = ? RETURNING ${counter}`, at, id)
        : this.one(`SELECT ${counter} FROM livestreams WHERE id = ?`, id)
      return row![counter] as number
    }).immediate()
  }

  async setCurrentViewers(id: string, currentViewers: number, at: string) {
    const row = this.one(`UPDATE livestreams SET current_viewers = ?, max_viewers = MAX(max_viewers, ?), counters_at = ?
      WHERE id = ? RETURNING *`, currentViewers, currentViewers, at, id)
    return row ? toLivestream(row) : null
  }

  // Pins

  async setPinned(livestreamId: string, productId: string, pinned: boolean, at: string) {
    if (pinned) {
      // The partial unique index keeps at most one open period per product; a repeat pin is a no-op.
      this.statement(`INSERT OR IGNORE INTO pins (livestream_id, product_id, pinned_at) VALUES (?, ?, ?)`)
        .run(livestreamId, productId, at)
    }
    else {
      this.statement(`UPDATE pins SET unpinned_at = ? WHERE livestream_id = ? AND product_id = ? AND unpinned_at IS NULL`)
        .run(at, livestreamId, productId)
    }
  }

  async closeOpenPins(of: Parameters<Store['closeOpenPins']>[0], at: string) {
    const [column, value] = 'livestreamId' in of ? ['livestream_id', of.livestreamId] : ['product_id', of.productId]
    this.statement(`UPDATE pins SET unpinned_at = ? WHERE ${column} = ? AND unpinned_at IS NULL`).run(at, value)
  }

  async listPinnedProductIds(livestreamId: string) {
    return this.all('SELECT product_id FROM pins WHERE livestream_id = ? AND unpinned_at IS NULL ORDER BY seq', livestreamId)
      .map(row => row.product_id as string)
  }

  async listPins(livestreamId: string) {
    return this.all('SELECT product_id, pinned_at, unpinned_at FROM pins WHERE livestream_id = ? ORDER BY seq', livestreamId)
      .map(row => fromRow<{ productId: string, pinnedAt: string, unpinnedAt?: string }>(row, { productId: 'text', pinnedAt: 'time', unpinnedAt: 'time' }))
  }

  // Chat

  async appendChat(message: Parameters<Store['appendChat']>[0]) {
    const id = newId()
    this.insert('chat_messages', { ...message, id }, CHAT_FIELDS)
    return (await this.getChat(id))!
  }

  async getChat(id: string) {
    const row = this.one('SELECT * FROM chat_messages WHERE id = ?', id)
    return row ? toChat(row) : null
  }

  async listChat(livestreamId: string, { before, limit, status }: Parameters<Store['listChat']>[1]) {
    const beforeSeq = before ? `AND seq < (SELECT seq FROM chat_messages WHERE id = @before)` : ''
    const shown = status === 'any' ? '' : status ? 'AND status = @status' : 'AND status IS NULL'
    const rows = this.statement(`SELECT * FROM chat_messages WHERE livestream_id = @livestreamId ${beforeSeq} ${shown}
      ORDER BY seq DESC LIMIT @limit`).all({ livestreamId, limit, ...(before ? { before: before.id } : {}), ...(status && status !== 'any' ? { status } : {}) }) as Row[]
    return rows.reverse().map(toChat)
  }

  async setChatStatus(of: Parameters<Store['setChatStatus']>[0], status: ChatStatus | null, onlyIf?: Array<ChatStatus | undefined>) {
    const [where, params] = 'id' in of ? ['id = ?', [of.id]] : ['livestream_id = ? AND user_id = ?', [of.livestreamId, of.userId]]
    const states = onlyIf?.map(state => state === undefined ? 'status IS NULL' : `status = '${state}'`).join(' OR ')
    return this.all(`UPDATE chat_messages SET status = ? WHERE ${where}${states ? ` AND (${states})` : ''} RETURNING *`, status, ...params)
      .map(toChat)
  }

  async lastChatOf(livestreamId: string, userId: string) {
    const row = this.one('SELECT * FROM chat_messages WHERE livestream_id = ? AND user_id = ? ORDER BY seq DESC LIMIT 1', livestreamId, userId)
    return row ? toChat(row) : null
  }

  // Moderation

  async appendModeration(action: Parameters<Store['appendModeration']>[0]) {
    const id = newId()
    this.insert('moderation_actions', { ...action, id }, MODERATION_FIELDS)
    return toModeration(this.one('SELECT * FROM moderation_actions WHERE id = ?', id)!)
  }

  async listModeration(livestreamId: string) {
    return this.all('SELECT * FROM moderation_actions WHERE livestream_id = ? ORDER BY seq', livestreamId).map(toModeration)
  }

  async listChatTimes(livestreamId: string) {
    return this.all('SELECT created_at FROM chat_messages WHERE livestream_id = ? ORDER BY seq', livestreamId)
      .map(row => row.created_at as string)
  }

  // Products

  async createProduct(input: Parameters<Store['createProduct']>[0]) {
    const id = newId()
    this.insert('products', { description: '', ...input, id, createdAt: new Date().toISOString() }, PRODUCT_FIELDS)
    return toProduct(this.one('SELECT * FROM products WHERE id = ?', id)!)
  }

  async getProducts(ids: string[], options: { includeDeleted?: boolean } = {}) {
    if (!ids.length) return []
    const live = options.includeDeleted ? '' : 'AND deleted_at IS NULL'
    const rows = this.all(`SELECT * FROM products WHERE id IN (${ids.map(() => '?').join(',')}) ${live}`, ...ids)
    const byId = new Map(rows.map(row => [row.id as string, toProduct(row)]))
    return ids.flatMap(id => byId.get(id) ?? [])
  }

  async listProducts() {
    return this.all('SELECT * FROM products WHERE deleted_at IS NULL ORDER BY created_at, id').map(toProduct)
  }

  async updateProduct(id: string, changes: Parameters<Store['updateProduct']>[1]) {
    const { sql, params } = setClause(changes, PRODUCT_FIELDS)
    if (sql) this.statement(`UPDATE products SET ${sql} WHERE id = @id AND deleted_at IS NULL`).run({ ...params, id })
    return (await this.getProducts([id]))[0] ?? null
  }

  async upsertProductsBySku(products: Parameters<Store['upsertProductsBySku']>[0]) {
    const created: string[] = []
    const updated: string[] = []
    const find = this.statement('SELECT id, variants FROM products WHERE sku = ? AND deleted_at IS NULL LIMIT 1')
    this.db.transaction(() => {
      const at = new Date().toISOString()
      for (const { variants: incoming, ...product } of products) {
        const existing = find.get(product.sku) as Row | undefined
        const row = importedProduct(product, incoming, existing?.variants ? JSON.parse(existing.variants as string) : undefined)
        if (existing) {
          const { sql, params } = setClause(row, PRODUCT_FIELDS)
          this.statement(`UPDATE products SET ${sql} WHERE id = @id`).run({ ...params, id: existing.id })
          updated.push(existing.id as string)
        }
        else {
          const id = newId()
          this.insert('products', { description: '', ...row, id, createdAt: at }, PRODUCT_FIELDS)
          created.push(id)
        }
      }
    }).immediate()
    return { created, updated }
  }

  async setStockBySku(items: Parameters<Store['setStockBySku']>[0]) {
    const updated: string[] = []
    const unknown: string[] = []
    const set = this.statement('UPDATE products SET stock = ? WHERE sku = ? AND deleted_at IS NULL AND variants IS NULL RETURNING id')
    const withShade = this.statement(`SELECT id, variants FROM products WHERE deleted_at IS NULL AND variants IS NOT NULL
      AND EXISTS (SELECT 1 FROM json_each(products.variants) WHERE json_extract(json_each.value, '$.sku') = ?)`)
    const setShades = this.statement('UPDATE products SET variants = ?, stock = ? WHERE id = ?')
    this.db.transaction(() => {
      for (const { sku, stock } of items) {
        const ids = (set.all(stock, sku) as Row[]).map(row => row.id as string)
        for (const row of withShade.all(sku) as Row[]) {
          const variants = setVariantStock(JSON.parse(row.variants as string), sku, stock)!
          setShades.run(JSON.stringify(variants), variantStockSum(variants), row.id)
          ids.push(row.id as string)
        }
        if (ids.length) updated.push(...ids)
        else unknown.push(sku)
      }
    }).immediate()
    return { updated, unknown }
  }

  async deleteProduct(id: string, at: string) {
    return this.statement('UPDATE products SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(at, id).changes > 0
  }

  // Orders

  async placeOrder(order: Order, caps: CappedTake[] = [], deliveries: Parameters<Store['enqueueDeliveries']>[0] = []): Promise<TakeStockResult> {
    const take = this.statement('UPDATE products SET stock = stock - ? WHERE id = ? AND deleted_at IS NULL AND stock >= ? AND variants IS NULL')
    // Adds to a counter only while it stays within its ceiling; a new counter starts at the amount.
    const count = this.statement(`INSERT INTO capped_counters (key, livestream_id, used) VALUES (@counter, @livestreamId, @amount)
      ON CONFLICT (key) DO UPDATE SET used = used + excluded.used WHERE used + excluded.used <= @max`)
    try {
      this.db.transaction(() => {
        // Throwing rolls back what the earlier items took.
        for (const item of order.items) {
          if (item.variantId) this.takeShade(item.productId, item.variantId, item.quantity)
          else if (take.run(item.quantity, item.productId, item.quantity).changes === 0) throw new ShortStock()
        }
        for (const cap of caps) {
          if (cap.amount > cap.max || count.run({ ...cap, livestreamId: cap.livestreamId ?? null }).changes === 0) throw new ShortStock()
        }
        this.insert('orders', order, ORDER_FIELDS)
        this.insertDeliveries(deliveries)
      }).immediate()
      return { ok: true }
    }
    catch (error) {
      if (!(error instanceof ShortStock)) throw error
      return { ok: false, stock: stockByKey(order.items, await this.getProducts(order.items.map(item => item.productId))), used: this.usedOf(caps.map(cap => cap.counter)) }
    }
  }

  /** Inside the order's IMMEDIATE transaction, which holds the write lock: read, check, write back. */
  private takeShade(productId: string, variantId: string, quantity: number) {
    const row = this.one('SELECT variants FROM products WHERE id = ? AND deleted_at IS NULL', productId)
    const variants: ProductVariant[] = row?.variants ? JSON.parse(row.variants as string) : []
    const shade = variants.find(variant => variant.id === variantId)
    if (!shade || shade.stock < quantity) throw new ShortStock()
    shade.stock -= quantity
    this.statement('UPDATE products SET variants = ?, stock = stock - ? WHERE id = ?').run(JSON.stringify(variants), quantity, productId)
  }

  private insertDeliveries(deliveries: Parameters<Store['enqueueDeliveries']>[0]) {
    for (const delivery of deliveries) {
      this.insert('webhook_deliveries', { ...delivery, id: newId(), status: 'pending', attempts: 0, nextAttemptAt: delivery.createdAt }, DELIVERY_FIELDS)
    }
  }

  // Shopping funnel

  async addFunnelEvents(events: Parameters<Store['addFunnelEvents']>[0]) {
    const insert = this.statement('INSERT OR IGNORE INTO funnel_events (livestream_id, session_id, product_id, type, at, user_id) VALUES (?, ?, ?, ?, ?, ?)')
    return this.db.transaction(() => events.reduce((added, event) =>
      added + insert.run(event.livestreamId, event.sessionId, event.productId, event.type, event.at, event.userId ?? null).changes, 0)).immediate()
  }

  async listFunnelEvents(livestreamId: string) {
    return this.all('SELECT * FROM funnel_events WHERE livestream_id = ? ORDER BY at', livestreamId)
      .map(toFunnelEvent)
  }

  async funnelUsage(livestreamId: string, sessionId: string) {
    const rows = Number(this.one('SELECT COUNT(*) AS n FROM funnel_events WHERE livestream_id = ?', livestreamId)?.n ?? 0)
    const known = this.one('SELECT 1 AS known FROM funnel_events WHERE livestream_id = ? AND session_id = ? LIMIT 1', livestreamId, sessionId)
    return { rows, sessionKnown: !!known }
  }

  // Webhook outbox

  async enqueueDeliveries(deliveries: Parameters<Store['enqueueDeliveries']>[0]) {
    this.db.transaction(() => this.insertDeliveries(deliveries)).immediate()
  }

  async claimDeliveries(now: string, leaseUntil: string, limit: number) {
    return this.claimDue('webhook_deliveries', now, leaseUntil, limit).map(toDelivery)
  }

  /** An outbox's due rows, oldest due first, lent out until `leaseUntil` (their next attempt) in one statement. */
  private claimDue(table: 'webhook_deliveries' | 'mails', now: string, leaseUntil: string, limit: number) {
    return this.all(`UPDATE ${table} SET next_attempt_at = ? WHERE id IN (
        SELECT id FROM ${table} WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, seq LIMIT ?
      ) RETURNING *`, leaseUntil, now, limit)
  }

  async updateDelivery(id: string, changes: Parameters<Store['updateDelivery']>[1]) {
    const { sql, params } = setClause(changes, DELIVERY_FIELDS)
    if (sql) this.statement(`UPDATE webhook_deliveries SET ${sql} WHERE id = @id`).run({ ...params, id })
    return this.getDelivery(id)
  }

  async getDelivery(id: string) {
    const row = this.one('SELECT * FROM webhook_deliveries WHERE id = ?', id)
    return row ? toDelivery(row) : null
  }

  async listDeliveries(limit: number) {
    return this.all('SELECT * FROM webhook_deliveries ORDER BY seq DESC LIMIT ?', limit).map(toDelivery)
  }

  // Reminders and the mail outbox

  async addReminder(reminder: Parameters<Store['addReminder']>[0]) {
    const id = newId()
    const { sql, params } = insertClause({ ...reminder, id, status: 'pending' }, REMINDER_FIELDS)
    const created = this.statement(`INSERT OR IGNORE INTO reminders ${sql}`).run(params).changes > 0
    const row = this.one('SELECT * FROM reminders WHERE livestream_id = ? AND email = ?', reminder.livestreamId, reminder.email)
    return { reminder: toReminder(row!), created }
  }

  async getReminder(id: string) {
    const row = this.one('SELECT * FROM reminders WHERE id = ?', id)
    return row ? toReminder(row) : null
  }

  async confirmReminder(id: string, at: string) {
    this.statement(`UPDATE reminders SET status = 'confirmed', confirmed_at = ? WHERE id = ? AND status = 'pending'`).run(at, id)
    return this.getReminder(id)
  }

  async deleteReminder(id: string) {
    return this.db.transaction(() => {
      this.statement(`DELETE FROM mails WHERE reminder_id = ? AND status = 'pending'`).run(id)
      return this.statement('DELETE FROM reminders WHERE id = ?').run(id).changes > 0
    }).immediate()
  }

  async listConfirmedReminders(livestreamId: string, query: { after?: string, limit: number }) {
    return this.all(`SELECT * FROM reminders WHERE livestream_id = ? AND status = 'confirmed' AND id > ? ORDER BY id LIMIT ?`,
      livestreamId, query.after ?? '', query.limit).map(toReminder)
  }

  async countReminders(livestreamId: string) {
    const rows = this.all('SELECT status, COUNT(*) AS n FROM reminders WHERE livestream_id = ? GROUP BY status', livestreamId)
    const of = (status: string) => Number(rows.find(row => row.status === status)?.n ?? 0)
    return { pending: of('pending'), confirmed: of('confirmed') }
  }

  async enqueueMails(mails: Parameters<Store['enqueueMails']>[0]) {
    return this.db.transaction(() => mails.filter((mail) => {
      const { sql, params } = insertClause({ ...mail, id: newId(), status: 'pending', attempts: 0, nextAttemptAt: mail.createdAt }, MAIL_FIELDS)
      return this.statement(`INSERT OR IGNORE INTO mails ${sql}`).run(params).changes > 0
    }).map(mail => mail.key)).immediate()
  }

  async claimMails(now: string, leaseUntil: string, limit: number) {
    return this.claimDue('mails', now, leaseUntil, limit).map(toMail)
  }

  async updateMail(id: string, changes: Parameters<Store['updateMail']>[1]) {
    const { sql, params } = setClause(changes, MAIL_FIELDS)
    if (sql) this.statement(`UPDATE mails SET ${sql} WHERE id = @id`).run({ ...params, id })
  }

  async getMailByKey(key: string) {
    const row = this.one('SELECT * FROM mails WHERE key = ?', key)
    return row ? toMail(row) : null
  }

  async readCounters(counters: string[]) {
    return this.usedOf(counters)
  }

  // Deals

  async createDeal(deal: Parameters<Store['createDeal']>[0]) {
    const id = newId()
    this.insert('deals', { ...deal, id }, DEAL_FIELDS)
    return (await this.getDeal(id))!
  }

  async getDeal(id: string) {
    const row = this.one('SELECT * FROM deals WHERE id = ?', id)
    return row ? toDeal(row) : null
  }

  async listDeals(query: Parameters<Store['listDeals']>[0]) {
    const rows = 'livestreamId' in query
      ? this.all('SELECT * FROM deals WHERE livestream_id = ? ORDER BY starts_at, id', query.livestreamId)
      : this.all('SELECT * FROM deals WHERE ended_at IS NULL ORDER BY starts_at, id')
    return rows.map(toDeal)
  }

  async endDeal(id: string, at: string, reason: Parameters<Store['endDeal']>[2]) {
    const row = this.one('UPDATE deals SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL RETURNING *', at, reason, id)
    return row ? toDeal(row) : null
  }

  private usedOf(counters: string[]): Record<string, number> {
    const used: Record<string, number> = Object.fromEntries(counters.map(counter => [counter, 0]))
    if (!counters.length) return used
    for (const row of this.all(`SELECT key, used FROM capped_counters WHERE key IN (${counters.map(() => '?').join(',')})`, ...counters)) {
      used[row.key as string] = row.used as number
    }
    return used
  }

  async listOrders({ livestreamId, userId }: Parameters<Store['listOrders']>[0]) {
    const rows = livestreamId
      ? this.all('SELECT * FROM orders WHERE livestream_id = ? ORDER BY created_at, id', livestreamId)
      : userId
        ? this.all('SELECT * FROM orders WHERE user_id = ? ORDER BY created_at, id', userId)
        : this.all('SELECT * FROM orders ORDER BY created_at, id')
    return rows.map(toOrder)
  }

  // On air

  async createOnAir(item: OnAirRecord) {
    this.insert('on_air', item, ON_AIR_FIELDS)
  }

  async getOnAir(id: string) {
    const row = this.one('SELECT * FROM on_air WHERE id = ?', id)
    return row ? toOnAir(row) : null
  }

  async listOnAir(livestreamId: string, kind?: OnAirRecord['kind']) {
    const rows = kind
      ? this.all('SELECT * FROM on_air WHERE livestream_id = ? AND kind = ? ORDER BY seq', livestreamId, kind)
      : this.all('SELECT * FROM on_air WHERE livestream_id = ? ORDER BY seq', livestreamId)
    return rows.map(toOnAir)
  }

  async updateOnAir(id: string, changes: Parameters<Store['updateOnAir']>[1], onlyIf: string[]) {
    const { sql, params } = setClause(changes, ON_AIR_FIELDS)
    const row = this.statement(`UPDATE on_air SET ${sql} WHERE id = @id AND status IN (${onlyIf.map((_, n) => `@s${n}`).join(',')}) RETURNING *`)
      .get({ ...params, id, ...Object.fromEntries(onlyIf.map((status, n) => [`s${n}`, status])) }) as Row | undefined
    return row ? toOnAir(row) : null
  }

  async respondOnAir(response: OnAirResponseRecord, mode: 'replace' | 'once') {
    const { sql, params } = insertClause(response, ON_AIR_RESPONSE_FIELDS)
    // A vote changed replaces the account's; an entry is kept once (by account, and by browser).
    const clause = mode === 'replace' ? 'ON CONFLICT (item_id, user_id) DO UPDATE SET value = excluded.value, at = excluded.at' : 'ON CONFLICT DO NOTHING'
    return this.statement(`INSERT INTO on_air_responses ${sql} ${clause}`).run(params).changes > 0
  }

  async listOnAirResponses(itemId: string) {
    return this.all('SELECT * FROM on_air_responses WHERE item_id = ? ORDER BY at, user_id', itemId).map(toOnAirResponse)
  }

  async countOnAirResponses(itemId: string) {
    const rows = this.all('SELECT value, COUNT(*) AS n FROM on_air_responses WHERE item_id = ? GROUP BY value', itemId)
    return Object.fromEntries(rows.map(row => [row.value as number, row.n as number]))
  }

  async onAirResponsesOf(livestreamId: string, userId: string) {
    return this.all('SELECT * FROM on_air_responses WHERE livestream_id = ? AND user_id = ?', livestreamId, userId).map(toOnAirResponse)
  }

  async onAirOfUser(userId: string) {
    return {
      items: this.all('SELECT * FROM on_air WHERE user_id = ? ORDER BY seq', userId).map(toOnAir),
      responses: this.all('SELECT * FROM on_air_responses WHERE user_id = ? ORDER BY at', userId).map(toOnAirResponse),
    }
  }

  // Clips

  async addClip(clip: Clip) {
    this.insert('clips', clip, CLIP_FIELDS)
  }

  async getClip(id: string) {
    const row = this.one('SELECT * FROM clips WHERE id = ?', id)
    return row ? toClip(row) : null
  }

  async listClips(livestreamId: string) {
    return this.all('SELECT * FROM clips WHERE livestream_id = ? ORDER BY seq', livestreamId).map(toClip)
  }

  // Restream destinations

  async addDestination(destination: DestinationRecord) {
    this.insert('destinations', destination, DESTINATION_FIELDS)
  }

  async listDestinations(livestreamId: string) {
    return this.all('SELECT * FROM destinations WHERE livestream_id = ? ORDER BY seq', livestreamId).map(toDestination)
  }

  async deleteDestination(livestreamId: string, id: string) {
    return this.statement('DELETE FROM destinations WHERE livestream_id = ? AND id = ?').run(livestreamId, id).changes > 0
  }

  // A customer's data

  async addAttribution(attribution: AttributionRecord) {
    const { sql, params } = insertClause(attribution, ATTRIBUTION_FIELDS)
    return this.statement(`INSERT OR IGNORE INTO attributions ${sql}`).run(params).changes > 0
  }

  async listAttributions(livestreamId: string) {
    return this.all('SELECT * FROM attributions WHERE livestream_id = ? ORDER BY created_at, order_id', livestreamId).map(toAttribution)
  }

  async listFunnelEventsOfUser(userId: string) {
    return this.all('SELECT * FROM funnel_events WHERE user_id = ? ORDER BY at', userId).map(toFunnelEvent)
  }

  async listChatOfUser(userId: string) {
    return this.all('SELECT * FROM chat_messages WHERE user_id = ? ORDER BY seq', userId).map(toChat)
  }

  async listRemindersOf(email: string) {
    return this.all('SELECT * FROM reminders WHERE email = ? ORDER BY id', email).map(toReminder)
  }

  async eraseUser(userId: string, email: string | undefined, erased: Parameters<Store['eraseUser']>[2]) {
    return this.db.transaction(() => {
      this.statement('UPDATE orders SET shipping = ? WHERE user_id = ?').run(JSON.stringify(erased.shipping), userId)
      this.statement('UPDATE chat_messages SET display_name = ? WHERE user_id = ?').run(erased.displayName, userId)
      this.statement('UPDATE moderation_actions SET target_name = ? WHERE target_user_id = ?').run(erased.displayName, userId)
      this.statement('UPDATE funnel_events SET user_id = NULL WHERE user_id = ?').run(userId)
      this.statement('UPDATE on_air_responses SET display_name = ? WHERE user_id = ?').run(erased.displayName, userId)
      // Their questions and the giveaways they won name them inside the items' data.
      for (const row of this.all('SELECT id, data FROM on_air WHERE instr(data, ?) > 0', userId)) {
        this.statement('UPDATE on_air SET data = ? WHERE id = ?').run(JSON.stringify(renamePerson(JSON.parse(row.data as string), userId, erased.displayName)), row.id)
      }
      if (email) {
        this.statement(`DELETE FROM mails WHERE recipient = ? AND status = 'pending'`).run(email)
        this.statement('DELETE FROM reminders WHERE email = ?').run(email)
      }
      return this.statement('DELETE FROM users WHERE id = ?').run(userId).changes > 0
    }).immediate()
  }

  async appendAudit(entry: Parameters<Store['appendAudit']>[0]) {
    const id = newId()
    this.insert('audit_log', { ...entry, id }, AUDIT_FIELDS)
    return { ...entry, id }
  }

  async listAudit(limit: number) {
    return this.all('SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?', limit).map(toAudit)
  }

  // Analytics samples

  async addSample(sample: Parameters<Store['addSample']>[0]) {
    this.insert('analytics_samples', sample, SAMPLE_FIELDS)
  }

  async listSamples(livestreamId: string) {
    return this.all('SELECT * FROM analytics_samples WHERE livestream_id = ? ORDER BY at', livestreamId).map(toSample)
  }

  // Sessions

  async createSession(session: Parameters<Store['createSession']>[0]) {
    this.insert('sessions', session, SESSION_FIELDS)
  }

  async getSession(id: string) {
    const row = this.one('SELECT * FROM sessions WHERE id = ?', id)
    return row ? toSession(row) : null
  }

  async listSessionsOf(userId: string) {
    return this.all('SELECT * FROM sessions WHERE user_id = ? ORDER BY created_at', userId).map(toSession)
  }

  async revokeSessions(of: Parameters<Store['revokeSessions']>[0], at: string) {
    const [column, value] = 'id' in of ? ['id', of.id] : ['user_id', of.userId]
    return this.statement(`UPDATE sessions SET revoked_at = ? WHERE ${column} = ? AND revoked_at IS NULL`).run(at, value).changes
  }
}

/** Unwinds an order's transaction when a product is short. */
class ShortStock extends Error {}
