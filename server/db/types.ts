// The Store: every read and write of the app's data, in domain words, and nothing else. Rules
// (pricing, what a show owns, when a pin closes) are the core's (server/domain); a Store only keeps
// records and takes stock atomically. Two implementations (embedded SQLite, MongoDB) pass the same
// contract suite in tests/unit/store-contract.
import type { ChatSettings, Clip, Deal, FunnelStep, Livestream, LivestreamStatus, ModerationAction, Order, Product, ProductVariant, Role } from '#shared/types/models'

export interface UserRecord {
  id: string
  email?: string
  role: Role
  displayName: string
  passwordHash?: string
  /** The browser (its `wrencos_device` cookie) and address the account was made from: a ban reaches the guests made there after it. */
  deviceId?: string
  signupAddress?: string
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
  /** Slow mode, blocked words, links held: set by moderators; absent is all off. */
  chatSettings?: ChatSettings
}

export type NewLivestream = Pick<LivestreamRecord, 'title' | 'description' | 'quality' | 'scheduledAt'>

/** The fields `K` of `T` a write may set; `null` clears an optional one. */
type Changes<T, K extends keyof T> = { [P in K]?: undefined extends T[P] ? T[P] | null : T[P] }

export type LivestreamChanges = Changes<LivestreamRecord, 'title' | 'description' | 'quality' | 'scheduledAt' | 'status'
  | 'startTime' | 'endTime' | 'durationSeconds' | 'currentViewers' | 'videoUrl' | 'thumbnailUrl' | 'replayRuns' | 'countersAt' | 'streamKeyHash' | 'chatSettings'>

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
  /** Absent: seen by all. `held`: waiting for a moderator (a link). `deleted`: removed by one; kept for the record. */
  status?: ChatStatus
  createdAt: string
}

export type ChatStatus = 'held' | 'deleted'

/** One moderator's action in one show, kept for the record; bans and timeouts are read from these. */
export interface ModerationRecord {
  id: string
  livestreamId: string
  moderatorId: string
  moderatorName: string
  action: ModerationAction
  /** Whom it was about (timeout, ban, unban; delete and release: the message's author). */
  targetUserId?: string
  targetName?: string
  messageId?: string
  /** A timeout's end. */
  until?: string
  /** The banned account's browser and signup address: guests made there after the ban are banned too. */
  deviceId?: string
  address?: string
  /** The settings set, a deleted line's text: what the record shows. */
  details?: Record<string, unknown>
  createdAt: string
}

export type NewChat = Omit<ChatRecord, 'id'>

export type NewModeration = Omit<ModerationRecord, 'id'>

/** A deal as kept: what is left is not a field but its capped counter (`dealCounter`), taken with the stock. */
export type DealRecord = Omit<Deal, 'remaining'>

export type NewDeal = Omit<DealRecord, 'id' | 'endedAt' | 'endReason'>

/** One webhook event for one receiver, in the outbox until it is answered 2xx or its 24 hours are up. */
export interface DeliveryRecord {
  id: string
  /** The event's id, the same for every receiver: what receivers dedupe on. */
  eventId: string
  type: string
  url: string
  /** The JSON body as sent, so every attempt (and its signature) is of the same bytes. */
  body: string
  createdAt: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  nextAttemptAt: string
  lastStatus?: number
  lastError?: string
  lastAttemptAt?: string
  deliveredAt?: string
}

export type NewDelivery = Pick<DeliveryRecord, 'eventId' | 'type' | 'url' | 'body' | 'createdAt'>

export type DeliveryChanges = Changes<DeliveryRecord, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatus' | 'lastError' | 'lastAttemptAt' | 'deliveredAt'>

export type NewProduct = Omit<Product, 'id' | 'createdAt' | 'description'> & { description?: string }

export type ProductChanges = Changes<Product, 'name' | 'description' | 'priceCents' | 'currency' | 'imageUrl' | 'stock' | 'sku' | 'variants'>

/** A shade as an import names it: by SKU, its id kept or made by the store. */
export type NewVariant = Omit<ProductVariant, 'id'> & { sku: string }

/** One product of an import: with shades, its stock is theirs (merged with what it had), summed. */
export type ImportedProduct = Omit<NewProduct, 'variants'> & { sku: string, variants?: NewVariant[] }

/** A running total that may not pass `max`: the units of a product one buyer took in one show (later a deal's). */
export interface CappedTake { counter: string, amount: number, max: number, /** The show it belongs to, deleted with it. */ livestreamId?: string }

/**
 * Either the order is stored with all of its stock and caps taken, or nothing is: then `stock` says
 * what each line's product or shade has (keyed by `stockKey`) and `used` how much of each capped counter is taken.
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
export type LivestreamPart = 'chat' | 'pins' | 'views' | 'replayViews' | 'samples' | 'caps' | 'moderation' | 'deals' | 'funnel' | 'reminders' | 'mails' | 'attributions' | 'onAir' | 'onAirResponses' | 'destinations' | 'clips'

/** A session's first time at one step of one product's funnel: later ones add nothing, which bounds what a session can store. */
export interface FunnelEventRecord {
  livestreamId: string
  sessionId: string
  productId: string
  type: FunnelStep
  at: string
  /** The account signed in when it was sent, if any: what a data export finds, and an erasure unlinks. */
  userId?: string
}

/** Someone who asked to be told when a show goes live: `pending` until they confirm from the mail (double opt-in). */
export interface ReminderRecord {
  id: string
  livestreamId: string
  email: string
  locale: string
  /** The site's origin as the customer reached it: the links in later mails start with it. */
  origin: string
  status: 'pending' | 'confirmed'
  createdAt: string
  confirmedAt?: string
}

export type NewReminder = Pick<ReminderRecord, 'livestreamId' | 'email' | 'locale' | 'origin' | 'createdAt'>

/** One mail in the outbox, rendered when queued, until sent or given up. */
export interface MailRecord {
  id: string
  /** Unique: a second mail with the same key is not queued (what makes "exactly once" hold across processes and restarts). */
  key: string
  recipient: string
  subject: string
  text: string
  html: string
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post). */
  headers: Record<string, string>
  livestreamId?: string
  reminderId?: string
  createdAt: string
  status: 'pending' | 'sent' | 'failed'
  attempts: number
  nextAttemptAt: string
  lastError?: string
  sentAt?: string
}

export type NewMail = Pick<MailRecord, 'key' | 'recipient' | 'subject' | 'text' | 'html' | 'headers' | 'livestreamId' | 'reminderId' | 'createdAt'>

export type MailChanges = Changes<MailRecord, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'sentAt'>

/** A purchase made on the brand's own site after watching a show (window.wrencos.purchase): counted once per order id. */
export interface AttributionRecord {
  livestreamId: string
  orderId: string
  totalCents: number
  currency: string
  items: Array<{ sku?: string, productId?: string, name?: string, quantity: number, priceCents?: number }>
  createdAt: string
}

/**
 * A show's on-air item: a poll, a question or a giveaway (PROTOCOL.md "On air"). They live alike
 * (made, moved on by staff, answered by the audience), so they share one table; `data` holds what
 * each kind has of its own (server/domain/on-air-records.ts types it). `userId` is its author: the
 * asker of a question, the staff member who started a poll or a giveaway.
 */
export interface OnAirRecord {
  id: string
  livestreamId: string
  kind: 'poll' | 'question' | 'giveaway'
  status: string
  userId: string
  data: Record<string, unknown>
  createdAt: string
  endsAt?: string
  endedAt?: string
}

/** An answer of the audience to an item: a poll's vote (`value`: the option) or a giveaway's entry. */
export interface OnAirResponseRecord {
  itemId: string
  livestreamId: string
  userId: string
  displayName: string
  /** Entries only: one per browser as well as one per account. */
  deviceId?: string
  value: number
  at: string
}

/** An RTMP(S) destination a show is pushed to while live; its stream key sealed (server/utils/secret-box.ts). */
export interface DestinationRecord {
  id: string
  livestreamId: string
  name: string
  url: string
  keyCipher: string
  createdAt: string
}

/** One action on people's data, kept for the record (who exported or erased whom, and when). */
export interface AuditRecord {
  id: string
  actorId: string
  actorName: string
  action: 'customer.exported' | 'customer.erased'
  /** The customer concerned (an erased one's id, which no longer leads anywhere). */
  targetUserId: string
  createdAt: string
}

export type NewAudit = Omit<AuditRecord, 'id'>

/** What an erased customer's kept records show instead of them. */
export interface ErasedAs {
  displayName: string
  shipping: Order['shipping']
}

export interface Store {
  readonly kind: 'sqlite' | 'mongodb'
  close(): Promise<void>
  /** Answers when the database does (for /readyz); throws when it does not. */
  ping(): Promise<void>

  createUser(user: NewUser): Promise<UserRecord>
  getUser(id: string): Promise<UserRecord | null>
  findUserByEmail(email: string): Promise<UserRecord | null>
  hasAdmin(): Promise<boolean>
  /** Oldest first. */
  listUsers(query: { role: Role }): Promise<UserRecord[]>
  /** Removes the account; answers false if there was none. Its sessions are the caller's to end. */
  deleteUser(id: string): Promise<boolean>

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
  /**
   * Oldest first: the last `limit` messages, or those just before `before`; those everyone sees
   * (no status) unless `status` asks for the held ones, or `any` for all of them.
   */
  listChat(livestreamId: string, query: { before?: ChatRecord, limit: number, status?: ChatStatus | 'any' }): Promise<ChatRecord[]>
  listChatTimes(livestreamId: string): Promise<string[]>
  /**
   * Sets the status of one message, or of every message of one author in one show (null: seen by
   * all), only where it is now one of `onlyIf` (undefined: no status) when given. Answers the
   * messages it changed, as they are now.
   */
  setChatStatus(of: { id: string } | { livestreamId: string, userId: string }, status: ChatStatus | null, onlyIf?: Array<ChatStatus | undefined>): Promise<ChatRecord[]>
  /** The newest message of one author in one show, whatever its status (slow mode). */
  lastChatOf(livestreamId: string, userId: string): Promise<ChatRecord | null>

  createDeal(deal: NewDeal): Promise<DealRecord>
  getDeal(id: string): Promise<DealRecord | null>
  /** Oldest first: one show's deals, or (no show) every deal not ended yet. */
  listDeals(query: { livestreamId: string } | { open: true }): Promise<DealRecord[]>
  /** Ends a deal that has not ended; answers it, or null when it had ended already (so one caller announces it). */
  endDeal(id: string, at: string, reason: Deal['endReason'] & string): Promise<DealRecord | null>

  /** Keeps each event unless its session already reached that step of that product; answers how many were new. */
  addFunnelEvents(events: FunnelEventRecord[]): Promise<number>
  listFunnelEvents(livestreamId: string): Promise<FunnelEventRecord[]>
  /** How many funnel rows a show has, and whether this session already has any (a new session is limited, see domain/funnel.ts). */
  funnelUsage(livestreamId: string, sessionId: string): Promise<{ rows: number, sessionKnown: boolean }>

  /** Puts webhook deliveries in the outbox, due now. */
  enqueueDeliveries(deliveries: NewDelivery[]): Promise<void>
  /**
   * Takes up to `limit` pending deliveries due by `now`, and holds them until `leaseUntil` so that
   * another process does not send them meanwhile. Oldest due first.
   */
  claimDeliveries(now: string, leaseUntil: string, limit: number): Promise<DeliveryRecord[]>
  updateDelivery(id: string, changes: DeliveryChanges): Promise<DeliveryRecord | null>
  getDelivery(id: string): Promise<DeliveryRecord | null>
  /** Newest first. */
  listDeliveries(limit: number): Promise<DeliveryRecord[]>

  /** Records a purchase made elsewhere unless its order id is recorded already (for any show); answers whether it was new. */
  createOnAir(item: OnAirRecord): Promise<void>
  getOnAir(id: string): Promise<OnAirRecord | null>
  /** Oldest first: one show's items (of one kind). */
  listOnAir(livestreamId: string, kind?: OnAirRecord['kind']): Promise<OnAirRecord[]>
  /**
   * Changes an item only while its status is one of `onlyIf`; answers it as it is now, or null when
   * it was not (so of two processes ending a poll, one announces it).
   */
  updateOnAir(id: string, changes: Partial<Pick<OnAirRecord, 'status' | 'data' | 'endsAt' | 'endedAt'>>, onlyIf: string[]): Promise<OnAirRecord | null>
  /**
   * One response per account to an item (and, with `deviceId`, per browser): `replace` keeps the
   * newest (a vote changed), `once` the first (an entry). Answers whether it was kept.
   */
  respondOnAir(response: OnAirResponseRecord, mode: 'replace' | 'once'): Promise<boolean>
  listOnAirResponses(itemId: string): Promise<OnAirResponseRecord[]>
  /** How many responses each value has (a poll's counts). */
  countOnAirResponses(itemId: string): Promise<Record<number, number>>
  /** One account's responses in one show (a page that comes back: its votes and entries). */
  onAirResponsesOf(livestreamId: string, userId: string): Promise<OnAirResponseRecord[]>
  /** What one account did on air in every show, for its data export: the items it made (questions) and its responses. */
  onAirOfUser(userId: string): Promise<{ items: OnAirRecord[], responses: OnAirResponseRecord[] }>

  addClip(clip: Clip): Promise<void>
  getClip(id: string): Promise<Clip | null>
  /** Oldest first. */
  listClips(livestreamId: string): Promise<Clip[]>

  addDestination(destination: DestinationRecord): Promise<void>
  /** Oldest first. */
  listDestinations(livestreamId: string): Promise<DestinationRecord[]>
  deleteDestination(livestreamId: string, id: string): Promise<boolean>

  addAttribution(attribution: AttributionRecord): Promise<boolean>
  listAttributions(livestreamId: string): Promise<AttributionRecord[]>

  /** Every funnel row sent while signed in as one person (a data export). */
  listFunnelEventsOfUser(userId: string): Promise<FunnelEventRecord[]>
  /** Every chat line of one person, in every show, oldest first (a data export). */
  listChatOfUser(userId: string): Promise<ChatRecord[]>
  /** Every reminder of one email address (a data export). */
  listRemindersOf(email: string): Promise<ReminderRecord[]>
  /**
   * Erases a customer in one step: the account goes; their orders stay for the shop's accounts
   * with `erased.shipping` for the person's details; their chat lines and the moderation record
   * name `erased.displayName`; their funnel rows stay counted but no longer name them; their
   * reminders and unsent mails (to `email`) go. False if there was no such account.
   */
  eraseUser(userId: string, email: string | undefined, erased: ErasedAs): Promise<boolean>
  appendAudit(entry: NewAudit): Promise<AuditRecord>
  /** Newest first. */
  listAudit(limit: number): Promise<AuditRecord[]>

  /** Keeps the reminder unless this show has one for this address already; answers the one kept and whether it is new. */
  addReminder(reminder: NewReminder): Promise<{ reminder: ReminderRecord, created: boolean }>
  getReminder(id: string): Promise<ReminderRecord | null>
  /** Confirms a pending reminder (a confirmed one stays as it is); answers it, or null when there is none. */
  confirmReminder(id: string, at: string): Promise<ReminderRecord | null>
  /** Removes a reminder and the mails of it not sent yet; answers false when there was none. */
  deleteReminder(id: string): Promise<boolean>
  /** One show's confirmed reminders, a page at a time in id order (`after`: the last id of the previous page). */
  listConfirmedReminders(livestreamId: string, query: { after?: string, limit: number }): Promise<ReminderRecord[]>
  countReminders(livestreamId: string): Promise<{ pending: number, confirmed: number }>

  /** Puts mails in the outbox, due now, but none whose key is there already; answers the keys it queued. */
  enqueueMails(mails: NewMail[]): Promise<string[]>
  /** Takes up to `limit` pending mails due by `now` and holds them until `leaseUntil` (as claimDeliveries). */
  claimMails(now: string, leaseUntil: string, limit: number): Promise<MailRecord[]>
  updateMail(id: string, changes: MailChanges): Promise<void>
  getMailByKey(key: string): Promise<MailRecord | null>

  appendModeration(action: NewModeration): Promise<ModerationRecord>
  /** Oldest first. */
  listModeration(livestreamId: string): Promise<ModerationRecord[]>

  createProduct(input: NewProduct): Promise<Product>
  /** Deleted products stay readable here, for orders and replays that refer to them. */
  getProducts(ids: string[], options?: { includeDeleted?: boolean }): Promise<Product[]>
  listProducts(): Promise<Product[]>
  updateProduct(id: string, changes: ProductChanges): Promise<Product | null>
  /** Hides the product (a soft delete); answers false if there was none to hide. */
  deleteProduct(id: string, at: string): Promise<boolean>
  /**
   * Creates or updates products by SKU (among those not deleted), all in one step or none: an
   * import. Answers the ids it created and the ids it updated.
   */
  upsertProductsBySku(products: ImportedProduct[]): Promise<{ created: string[], updated: string[] }>
  /** Sets the stock of the products (or shades) with these SKUs, in one step; answers the products' ids and the SKUs it did not find. */
  setStockBySku(items: Array<{ sku: string, stock: number }>): Promise<{ updated: string[], unknown: string[] }>

  /**
   * Takes each item's quantity from its product's stock (or its shade's, `variantId`), adds each cap's amount to its counter, and
   * stores `order` (and the webhook deliveries that announce it), in one atomic step. If any
   * product (deleted ones count as 0) has too little or any counter would pass its `max`, takes and
   * stores nothing.
   */
  placeOrder(order: Order, caps?: CappedTake[], deliveries?: NewDelivery[]): Promise<TakeStockResult>
  /** How much of each capped counter is taken (0 for one never used). */
  readCounters(counters: string[]): Promise<Record<string, number>>
  /** Oldest first: one show's orders, one customer's, or all. */
  listOrders(query: { livestreamId?: string, userId?: string }): Promise<Order[]>

  addSample(sample: SampleRecord): Promise<void>
  listSamples(livestreamId: string): Promise<SampleRecord[]>

  createSession(session: Omit<SessionRecord, 'revokedAt'>): Promise<void>
  getSession(id: string): Promise<SessionRecord | null>
  /** One account's sessions, oldest first (a data export). */
  listSessionsOf(userId: string): Promise<SessionRecord[]>
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
