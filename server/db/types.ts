// The Store: every read and write of the app's data, in domain words, and nothing else. Rules
// (pricing, what a show owns, when a pin closes) are the core's (server/domain); a Store only keeps
// records and takes stock atomically. Two implementations (embedded SQLite, MongoDB) pass the same
// contract suite in tests/unit/store-contract.
import type { Livestream, LivestreamStatus, Order, Product, Role } from '#shared/types/models'

export interface UserRecord {
  id: string
  email?: string
  role: Role
  displayName: string
  passwordHash?: string
  createdAt: string
}

export type NewUser = Omit<UserRecord, 'id' | 'createdAt'>

/**
 * A livestream row without its joined products (the domain adds `pinnedProducts`), and with when
 * its counters last changed: the analytics sample a kill lost is rebuilt from it at start.
 */
export type LivestreamRecord = Omit<Livestream, 'pinnedProducts'> & {
  countersAt?: string
  /** The SHA-256 of the show's stream key, when one was made: never shown. */
  streamKeyHash?: string
}

export type NewLivestream = Pick<LivestreamRecord, 'title' | 'description' | 'quality' | 'scheduledAt'>

/** The fields `K` of `T` a write may set; `null` clears an optional one. */
type Changes<T, K extends keyof T> = { [P in K]?: undefined extends T[P] ? T[P] | null : T[P] }

export type LivestreamChanges = Changes<LivestreamRecord, 'title' | 'description' | 'quality' | 'scheduledAt' | 'status'
  | 'startTime' | 'endTime' | 'durationSeconds' | 'currentViewers' | 'videoUrl' | 'thumbnailUrl' | 'replayRuns' | 'countersAt' | 'streamKeyHash'>

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

export type ProductChanges = Changes<Product, 'name' | 'description' | 'priceCents' | 'currency' | 'imageUrl' | 'stock' | 'sku'>

/** A running total that may not pass `max`: the units of a product one buyer took in one show (later a deal's). */
export interface CappedTake { counter: string, amount: number, max: number, /** The show it belongs to, deleted with it. */ livestreamId?: string }

/**
 * Either the order is stored with all of its stock and caps taken, or nothing is: then `stock` says
 * what each product has and `used` how much of each capped counter is taken.
 */
export type TakeStockResult = { ok: true } | { ok: false, stock: Record<string, number>, used: Record<string, number> }

export interface SessionRecord {
  id: string
  userId: string
  createdAt: string
  expiresAt: string
  revokedAt?: string
}

export interface SampleRecord {
  livestreamId: string
  at: string
  currentViewers: number
  likes: number
  viewCount: number
}

/** What belongs to one livestream and goes with it when it is deleted (orders are the brand's and stay). */
export type LivestreamPart = 'chat' | 'pins' | 'views' | 'replayViews' | 'samples' | 'caps'

export interface Store {
  readonly kind: 'sqlite' | 'mongodb'
  close(): Promise<void>
  /** Answers when the database does (for /readyz); throws when it does not. */
  ping(): Promise<void>

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
  /** Deletes the stream's own row if it is in one of the `onlyIf` states; its parts are the caller's to delete. */
  deleteLivestream(id: string, onlyIf?: LivestreamStatus[]): Promise<boolean>
  deleteLivestreamParts(id: string, parts: LivestreamPart[]): Promise<void>
  addLikes(id: string, count: number, at: string): Promise<number | null>
  /** Counts a view once per session id (live and replay apart); answers that count, null for no such stream. */
  addView(id: string, sessionId: string, at: string, kind?: 'live' | 'replay'): Promise<number | null>
  /** Sets the concurrent viewer count and raises the peak to it if higher. */
  setCurrentViewers(id: string, currentViewers: number, at: string): Promise<LivestreamRecord | null>

  /** Opens a pin period if none is open, or closes the open one. Idempotent. */
  setPinned(livestreamId: string, productId: string, pinned: boolean, at: string): Promise<void>
  /** Closes every open pin period of one stream, or of one product in every stream. */
  closeOpenPins(of: { livestreamId: string } | { productId: string }, at: string): Promise<void>
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
  /** Hides the product (a soft delete); answers false if there was none to hide. */
  deleteProduct(id: string, at: string): Promise<boolean>

  /**
   * Takes each item's quantity from its product's stock, adds each cap's amount to its counter, and
   * stores `order`, in one atomic step. If any product (deleted ones count as 0) has too little or
   * any counter would pass its `max`, takes and stores nothing.
   */
  placeOrder(order: Order, caps?: CappedTake[]): Promise<TakeStockResult>
  listOrders(query: { livestreamId?: string }): Promise<Order[]>

  addSample(sample: SampleRecord): Promise<void>
  listSamples(livestreamId: string): Promise<SampleRecord[]>

  createSession(session: Omit<SessionRecord, 'revokedAt'>): Promise<void>
  getSession(id: string): Promise<SessionRecord | null>
  /** Ends one session, or every session of a user; answers how many it ended. */
  revokeSessions(of: { id: string } | { userId: string }, at: string): Promise<number>
}

export type { LivestreamStatus }

/** A store failure the API maps to a 4xx answer (see server/utils/errors.ts). */
export class StoreError extends Error {
  constructor(readonly code: 'duplicate' | 'not_found' | 'invalid', message: string) {
    super(message)
    this.name = 'StoreError'
  }
}
