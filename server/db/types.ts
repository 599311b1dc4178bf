// The Store: every read and write of the app's data, in domain words. Two implementations
// (embedded SQLite, MongoDB) pass the same contract suite in tests/unit/store-contract.
import type { Livestream, LivestreamStatus, Order, OrderItem, Product, Quality, ReplayRun, Role } from '#shared/types/models'

export interface UserRecord {
  id: string
  email?: string
  role: Role
  displayName: string
  passwordHash?: string
  createdAt: string
}

export type NewUser = Omit<UserRecord, 'id' | 'createdAt'>

/** A livestream row without its joined products; the domain adds `pinnedProducts`. */
export type LivestreamRecord = Omit<Livestream, 'pinnedProducts'>

export interface NewLivestream {
  title: string
  description: string
  quality: Quality
  scheduledAt?: string
}

/** Fields a write may set; `null` clears an optional one. */
export interface LivestreamChanges {
  title?: string
  description?: string
  quality?: Quality
  scheduledAt?: string | null
  status?: LivestreamStatus
  startTime?: string
  endTime?: string
  durationSeconds?: number
  currentViewers?: number
  videoUrl?: string
  thumbnailUrl?: string
  replayRuns?: ReplayRun[] | null
}

export interface ListCursor { createdAt: string, id: string }

export interface PinRecord { productId: string, pinnedAt: string, unpinnedAt?: string }

export interface ChatRecord {
  id: string
  livestreamId: string
  userId: string
  displayName: string
  role: Role
  message: string
  clientId?: string
  createdAt: string
}

export type NewChat = Omit<ChatRecord, 'id'>

export type NewProduct = Omit<Product, 'id' | 'createdAt' | 'description'> & { description?: string }

export interface ProductChanges {
  name?: string
  description?: string
  priceCents?: number
  currency?: string
  imageUrl?: string | null
  stock?: number
  sku?: string | null
}

export interface NewOrder {
  userId: string
  livestreamId?: string
  lines: { productId: string, quantity: number }[]
  shipping: Order['shipping']
  createdAt: string
}

/** Placing an order either takes all of its stock or none of it. */
export type PlaceOrderResult
  = | { ok: true, order: Order }
    | { ok: false, reason: 'unknown_product', productIds: string[] }
    | { ok: false, reason: 'out_of_stock', shortages: { productId: string, requested: number, available: number }[] }
    | { ok: false, reason: 'mixed_currency' }

export interface SampleRecord {
  livestreamId: string
  at: string
  currentViewers: number
  likes: number
  viewCount: number
}

export interface Store {
  readonly kind: 'sqlite' | 'mongodb'
  close(): Promise<void>

  createUser(user: NewUser): Promise<UserRecord>
  getUser(id: string): Promise<UserRecord | null>
  findUserByEmail(email: string): Promise<UserRecord | null>
  hasAdmin(): Promise<boolean>

  createLivestream(input: NewLivestream): Promise<LivestreamRecord>
  getLivestream(id: string): Promise<LivestreamRecord | null>
  /** Newest first; `after` is the last item of the previous page. */
  listLivestreams(query: { status?: LivestreamStatus, limit: number, after?: ListCursor }): Promise<LivestreamRecord[]>
  /** Writes `changes` only if the stream exists and, when `onlyIf` is given, is in one of those states. */
  updateLivestream(id: string, changes: LivestreamChanges, onlyIf?: LivestreamStatus[]): Promise<LivestreamRecord | null>
  /** Deletes the stream and what only it owns (chat, pins, views, samples); orders are kept. */
  deleteLivestream(id: string, onlyIf?: LivestreamStatus[]): Promise<boolean>
  addLikes(id: string, count: number): Promise<number | null>
  /** Counts a view once per session id; answers the stream's view count. */
  addView(id: string, sessionId: string, at: string): Promise<number | null>
  /** Sets the concurrent viewer count and raises the peak to it if higher. */
  setCurrentViewers(id: string, currentViewers: number): Promise<LivestreamRecord | null>

  /** Opens a pin period if none is open, or closes the open one. Idempotent. */
  setPinned(livestreamId: string, productId: string, pinned: boolean, at: string): Promise<void>
  closeOpenPins(livestreamId: string, at: string): Promise<void>
  /** Ids of the products pinned now, in the order they were pinned. */
  listPinnedProductIds(livestreamId: string): Promise<string[]>
  listPins(livestreamId: string): Promise<PinRecord[]>

  appendChat(message: NewChat): Promise<ChatRecord>
  getChat(id: string): Promise<ChatRecord | null>
  /** Oldest first: the last `limit` messages, or those just before `before`. */
  listChat(livestreamId: string, query: { before?: ChatRecord, limit: number }): Promise<ChatRecord[]>
  listChatTimes(livestreamId: string): Promise<string[]>

  createProduct(input: NewProduct): Promise<Product>
  /** Deleted products stay readable here, for orders and replays that refer to them. */
  getProducts(ids: string[], options?: { includeDeleted?: boolean }): Promise<Product[]>
  listProducts(): Promise<Product[]>
  updateProduct(id: string, changes: ProductChanges): Promise<Product | null>
  deleteProduct(id: string, at: string): Promise<boolean>

  placeOrder(order: NewOrder): Promise<PlaceOrderResult>
  listOrders(query: { livestreamId?: string }): Promise<Order[]>

  addSample(sample: SampleRecord): Promise<void>
  listSamples(livestreamId: string): Promise<SampleRecord[]>
}

export type { LivestreamStatus, OrderItem }

/** A store failure the API maps to a 4xx answer (see server/utils/errors.ts). */
export class StoreError extends Error {
  constructor(readonly code: 'duplicate' | 'not_found' | 'invalid', message: string) {
    super(message)
    this.name = 'StoreError'
  }
}
