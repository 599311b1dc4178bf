// The embedded store: one SQLite file in NUXT_DATA_DIR, WAL mode so several processes on one host
// can share it. better-sqlite3 is synchronous; every multi-step write is one IMMEDIATE transaction,
// which is what makes the stock check of an order atomic across processes too.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Order, OrderItem, Product } from '#shared/types/models'
import { newId } from '../ids'
import { mergeOrderLines } from '../order-lines'
import { StoreError, type LivestreamStatus, type NewOrder, type PlaceOrderResult, type Store } from '../types'
import { migrate } from './migrations'
import { LIVESTREAM_COLUMNS, PRODUCT_COLUMNS, setClause, toChat, toLivestream, toOrder, toProduct, toSample, toUser } from './rows'

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

class SqliteStore implements Store {
  readonly kind = 'sqlite' as const

  constructor(private readonly db: Database.Database) {}

  async close() {
    this.db.close()
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

  // Users

  async createUser(user: Parameters<Store['createUser']>[0]) {
    const id = newId()
    const createdAt = new Date().toISOString()
    try {
      this.statement(`INSERT INTO users (id, email, password_hash, role, display_name, created_at)
        VALUES (?, ?, ?, ?, ?, ?)`).run(id, user.email ?? null, user.passwordHash ?? null, user.role, user.displayName, createdAt)
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

  // Livestreams

  async createLivestream(input: Parameters<Store['createLivestream']>[0]) {
    const id = newId()
    this.statement(`INSERT INTO livestreams (id, title, description, quality, status, scheduled_at, created_at)
      VALUES (?, ?, ?, ?, 'scheduled', ?, ?)`).run(id, input.title, input.description, input.quality, input.scheduledAt ?? null, new Date().toISOString())
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
    const { sql, params } = setClause(changes, LIVESTREAM_COLUMNS)
    if (sql) {
      const result = this.statement(`UPDATE livestreams SET ${sql} WHERE id = @id${statusFilter(onlyIf)}`).run({ ...params, id })
      if (result.changes === 0) return null
      return this.getLivestream(id)
    }
    const current = await this.getLivestream(id)
    return current && (!onlyIf || onlyIf.includes(current.status)) ? current : null
  }

  async deleteLivestream(id: string, onlyIf?: LivestreamStatus[]) {
    return this.db.transaction(() => {
      const result = this.statement(`DELETE FROM livestreams WHERE id = ?${statusFilter(onlyIf)}`).run(id)
      if (result.changes === 0) return false
      for (const table of ['chat_messages', 'pins', 'livestream_views', 'analytics_samples']) {
        this.statement(`DELETE FROM ${table} WHERE livestream_id = ?`).run(id)
      }
      return true
    }).immediate()
  }

  async addLikes(id: string, count: number) {
    const row = this.one('UPDATE livestreams SET likes = likes + ? WHERE id = ? RETURNING likes', count, id)
    return row ? (row.likes as number) : null
  }

  async addView(id: string, sessionId: string, at: string) {
    return this.db.transaction(() => {
      if (!this.one('SELECT 1 FROM livestreams WHERE id = ?', id)) return null
      const inserted = this.statement(`INSERT OR IGNORE INTO livestream_views (livestream_id, session_id, created_at)
        VALUES (?, ?, ?)`).run(id, sessionId, at)
      const sql = inserted.changes
        ? 'UPDATE livestreams SET view_count = view_count + 1 WHERE id = ? RETURNING view_count'
        : 'SELECT view_count FROM livestreams WHERE id = ?'
      return this.one(sql, id)!.view_count as number
    }).immediate()
  }

  async setCurrentViewers(id: string, currentViewers: number) {
    const row = this.one(`UPDATE livestreams SET current_viewers = ?, max_viewers = MAX(max_viewers, ?)
      WHERE id = ? RETURNING *`, currentViewers, currentViewers, id)
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

  async closeOpenPins(livestreamId: string, at: string) {
    this.statement('UPDATE pins SET unpinned_at = ? WHERE livestream_id = ? AND unpinned_at IS NULL').run(at, livestreamId)
  }

  async listPinnedProductIds(livestreamId: string) {
    return this.all('SELECT product_id FROM pins WHERE livestream_id = ? AND unpinned_at IS NULL ORDER BY seq', livestreamId)
      .map(row => row.product_id as string)
  }

  async listPins(livestreamId: string) {
    return this.all('SELECT product_id, pinned_at, unpinned_at FROM pins WHERE livestream_id = ? ORDER BY seq', livestreamId)
      .map(row => ({
        productId: row.product_id as string,
        pinnedAt: row.pinned_at as string,
        ...(row.unpinned_at ? { unpinnedAt: row.unpinned_at as string } : {}),
      }))
  }

  // Chat

  async appendChat(message: Parameters<Store['appendChat']>[0]) {
    const id = newId()
    this.statement(`INSERT INTO chat_messages (id, livestream_id, user_id, display_name, role, message, client_id, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(id, message.livestreamId, message.userId, message.displayName, message.role,
      message.message, message.clientId ?? null, message.createdAt)
    return (await this.getChat(id))!
  }

  async getChat(id: string) {
    const row = this.one('SELECT * FROM chat_messages WHERE id = ?', id)
    return row ? toChat(row) : null
  }

  async listChat(livestreamId: string, { before, limit }: Parameters<Store['listChat']>[1]) {
    const beforeSeq = before ? `AND seq < (SELECT seq FROM chat_messages WHERE id = @before)` : ''
    const rows = this.statement(`SELECT * FROM chat_messages WHERE livestream_id = @livestreamId ${beforeSeq}
      ORDER BY seq DESC LIMIT @limit`).all({ livestreamId, limit, ...(before ? { before: before.id } : {}) }) as Row[]
    return rows.reverse().map(toChat)
  }

  async listChatTimes(livestreamId: string) {
    return this.all('SELECT created_at FROM chat_messages WHERE livestream_id = ? ORDER BY seq', livestreamId)
      .map(row => row.created_at as string)
  }

  // Products

  async createProduct(input: Parameters<Store['createProduct']>[0]) {
    const id = newId()
    this.statement(`INSERT INTO products (id, name, description, price_cents, currency, image_url, stock, sku, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(id, input.name, input.description ?? '', input.priceCents, input.currency,
      input.imageUrl ?? null, input.stock, input.sku ?? null, new Date().toISOString())
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
    const { sql, params } = setClause(changes, PRODUCT_COLUMNS)
    if (sql) this.statement(`UPDATE products SET ${sql} WHERE id = @id AND deleted_at IS NULL`).run({ ...params, id })
    return (await this.getProducts([id]))[0] ?? null
  }

  async deleteProduct(id: string, at: string) {
    return this.db.transaction(() => {
      const result = this.statement('UPDATE products SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(at, id)
      // A deleted product can no longer be shown as pinned anywhere; its past periods stay for replays.
      this.statement('UPDATE pins SET unpinned_at = ? WHERE product_id = ? AND unpinned_at IS NULL').run(at, id)
      return result.changes > 0
    }).immediate()
  }

  // Orders

  async placeOrder(order: NewOrder): Promise<PlaceOrderResult> {
    return this.db.transaction((): PlaceOrderResult => {
      const lines = mergeOrderLines(order.lines)
      const products = new Map<string, Product>()
      for (const product of this.all(`SELECT * FROM products WHERE deleted_at IS NULL AND id IN (${lines.map(() => '?').join(',')})`,
        ...lines.map(line => line.productId)).map(toProduct)) products.set(product.id, product)
      const unknown = lines.filter(line => !products.has(line.productId)).map(line => line.productId)
      if (unknown.length) return { ok: false, reason: 'unknown_product', productIds: unknown }
      const currencies = new Set(lines.map(line => products.get(line.productId)!.currency))
      if (currencies.size > 1) return { ok: false, reason: 'mixed_currency' }
      const shortages = lines
        .map(line => ({ productId: line.productId, requested: line.quantity, available: products.get(line.productId)!.stock }))
        .filter(line => line.available < line.requested)
      if (shortages.length) return { ok: false, reason: 'out_of_stock', shortages }

      const take = this.statement('UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ?')
      for (const line of lines) take.run(line.quantity, line.productId, line.quantity)
      const items: OrderItem[] = lines.map((line) => {
        const product = products.get(line.productId)!
        return { productId: product.id, name: product.name, priceCents: product.priceCents, quantity: line.quantity }
      })
      const placed: Order = {
        id: newId(),
        userId: order.userId,
        ...(order.livestreamId ? { livestreamId: order.livestreamId } : {}),
        items,
        totalCents: items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0),
        currency: [...currencies][0]!,
        shipping: order.shipping,
        status: 'placed',
        createdAt: order.createdAt,
      }
      this.statement(`INSERT INTO orders (id, user_id, livestream_id, items, total_cents, currency, shipping, status, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(placed.id, placed.userId, placed.livestreamId ?? null, JSON.stringify(items),
        placed.totalCents, placed.currency, JSON.stringify(placed.shipping), placed.status, placed.createdAt)
      return { ok: true, order: placed }
    }).immediate()
  }

  async listOrders({ livestreamId }: { livestreamId?: string }) {
    const rows = livestreamId
      ? this.all('SELECT * FROM orders WHERE livestream_id = ? ORDER BY created_at, id', livestreamId)
      : this.all('SELECT * FROM orders ORDER BY created_at, id')
    return rows.map(toOrder)
  }

  // Analytics samples

  async addSample(sample: Parameters<Store['addSample']>[0]) {
    this.statement(`INSERT INTO analytics_samples (livestream_id, at, current_viewers, likes, view_count) VALUES (?, ?, ?, ?, ?)`)
      .run(sample.livestreamId, sample.at, sample.currentViewers, sample.likes, sample.viewCount)
  }

  async listSamples(livestreamId: string) {
    return this.all('SELECT * FROM analytics_samples WHERE livestream_id = ? ORDER BY at', livestreamId).map(toSample)
  }
}
