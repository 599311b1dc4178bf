// The shapes the API answers with (PROTOCOL.md), shared by the pages and the server.
import type { ROLES } from '../schemas/common'
import type { QUALITIES, STATUSES } from '../schemas/livestream'

export type Role = typeof ROLES[number]
export type Quality = typeof QUALITIES[number]
export type LivestreamStatus = typeof STATUSES[number]

export interface User {
  id: string
  email?: string
  role: Role
  displayName: string
}

/**
 * One shade (or size) of a product (PROTOCOL.md, "Catalogue"): its own stock, and its own price
 * when it differs from the product's. `swatch` is the colour chip a customer picks it by.
 */
export interface ProductVariant {
  id: string
  name: string
  sku?: string
  swatch?: string
  stock: number
  priceCents?: number
}

export interface Product {
  id: string
  name: string
  description: string
  priceCents: number
  currency: string
  imageUrl?: string
  /** With variants, the sum of theirs: what the product has in all its shades. */
  stock: number
  sku?: string
  /** A product with variants is bought by variant: every order, cart and deal line names one. */
  variants?: ProductVariant[]
  createdAt: string
}

export interface Livestream {
  id: string
  title: string
  description: string
  quality: Quality
  status: LivestreamStatus
  scheduledAt?: string
  startTime?: string
  endTime?: string
  durationSeconds?: number
  likes: number
  /** Unique viewers while live. */
  viewCount: number
  /** Unique viewers of the replay, counted apart. */
  replayViews: number
  currentViewers: number
  maxViewers: number
  pinnedProducts: Product[]
  videoUrl?: string
  thumbnailUrl?: string
  /** Set with a recording saved from the studio: how the show's time maps onto the replay's. */
  replayRuns?: ReplayRun[]
  createdAt: string
}

/** What a link to a show unfurls into (og: and twitter: tags) and its schema.org JSON-LD; URLs absolute. */
export interface ShareCard {
  title: string
  description: string
  url: string
  image: string
  jsonLd: Record<string, unknown>
  /** Whether "Remind me" works here (the server sends mail). */
  reminders: boolean
}

/** One period during which a product was pinned: the chapters of a replay. */
export interface PinPeriod {
  product: Product
  pinnedAt: string
  unpinnedAt?: string
}

/**
 * One recorder run of a saved replay: where it sits in the replay and when, on the server's clock,
 * its first frame was recorded. A studio tab that died and came back makes a second run, and the
 * replay joins the runs without the gap between them.
 */
export interface ReplayRun {
  at: string
  replaySeconds: number
  lengthSeconds: number
}

export interface ChatMessage {
  id: string
  livestreamId: string
  user: { id: string, displayName: string, role: Role }
  message: string
  createdAt: string
  clientId?: string
  /** Waiting for a moderator (a link, in a show that holds them): seen by its moderators and its author only. */
  held?: true
}

/** A flash deal: a price for a few units of one product, for a while, during a show (PROTOCOL.md "Flash deals"). */
export interface Deal {
  id: string
  livestreamId: string
  productId: string
  /** A deal on one shade; without it, on every shade of the product. */
  variantId?: string
  priceCents: number
  currency: string
  quantity: number
  remaining: number
  perCustomer?: number
  startsAt: string
  endsAt: string
  endedAt?: string
  /** Why it ended: its time ran out, its units sold out, or the host ended it. */
  endReason?: DealEndReason
}

export type DealEndReason = 'time' | 'sold_out' | 'host'

/** A show's chat rules, set by its moderators. */
export interface ChatSettings {
  /** Seconds a customer waits between two lines; 0 is off. */
  slowModeSeconds: number
  /** Words and phrases refused, matched as whole words whatever their case. */
  blockedWords: string[]
  /** Lines with a link wait for a moderator. */
  holdLinks: boolean
}

export type ModerationAction = 'delete' | 'timeout' | 'ban' | 'unban' | 'settings' | 'release' | 'giveaway'

/** One action as the record shows it (GET /moderation, the export). */
export interface ModerationEntry {
  id: string
  action: ModerationAction
  moderator: { id: string, displayName: string }
  target?: { id: string, displayName: string }
  messageId?: string
  until?: string
  details?: Record<string, unknown>
  createdAt: string
}

/** Someone who may not chat, like or buy in a show: banned (no `until`) or timed out. */
export interface Restriction {
  user: { id: string, displayName: string }
  kind: 'ban' | 'timeout'
  until?: string
  by: { id: string, displayName: string }
  at: string
}

export interface OrderItem {
  productId: string
  /** The shade bought, and its name as it was then. */
  variantId?: string
  variantName?: string
  name: string
  priceCents: number
  quantity: number
  /** Bought at this flash deal's price. */
  dealId?: string
}

export interface Order {
  id: string
  userId: string
  livestreamId?: string
  items: OrderItem[]
  totalCents: number
  currency: string
  shipping: { name: string, email: string, address: string }
  status: 'placed'
  createdAt: string
}

export interface AnalyticsPoint {
  at: string
  currentViewers: number
  likes: number
  chatMessages: number
  orders: number
  revenueCents: number
}

export interface ProductSales {
  productId: string
  name: string
  quantity: number
  revenueCents: number
}

export interface AnalyticsSummary {
  durationSeconds: number
  peakViewers: number
  uniqueViewers: number
  likes: number
  chatMessages: number
  orders: number
  revenueCents: number
  currency?: string
  products: ProductSales[]
  pins: { productId: string, name: string, pinnedAt: string, unpinnedAt?: string }[]
}

export type FunnelStep = 'product_impression' | 'product_click' | 'add_to_cart' | 'checkout_started'

export interface FunnelCounts {
  /** Sessions that saw the product's card (half of it in view for a second). */
  impressions: number
  clicks: number
  addToCart: number
  checkout: number
  /** Orders that include the product. */
  orders: number
}

/** One product's funnel: each step's sessions, and the share of the step before that took it (null when that step had none). */
export interface ProductFunnel extends FunnelCounts {
  productId: string
  name: string
  conversion: { click: number | null, cart: number | null, checkout: number | null, order: number | null }
}

export interface FunnelPoint extends FunnelCounts { at: string }

export interface Analytics {
  summary: AnalyticsSummary
  timeline: AnalyticsPoint[]
  /** The shopping funnel, per product and over the show's timeline (same buckets), with the deals as bands. */
  funnel: {
    products: ProductFunnel[]
    timeline: FunnelPoint[]
    deals: Array<{ dealId: string, productId: string, name: string, from: string, to: string }>
    /** Orders placed on the brand's own site after watching (window.wrencos.purchase), and their totals per currency. */
    elsewhere: { orders: number, totals: Array<{ currency: string, totalCents: number }> }
  }
}

/** How a show's video travels (GET /api/livestreams/:id/media). */
export interface MediaInfo {
  mode: 'relay' | 'janus' | 'p2p'
  whipUrl?: string
  whepUrl?: string
  iceServers: unknown[]
  /** The host's media is flowing now. */
  publishing: boolean
  /** Relay and janus modes: this process's WHEP viewers of the show and how many it takes (503 past it). */
  capacity?: { viewers: number, max: number, overflow?: string }
  /** With NUXT_HLS: the show as HLS, for players WebRTC cannot reach (a few seconds behind). */
  hlsUrl?: string
}

/** Someone named on screen: an asker, a poll's starter, a giveaway's winner. */
export interface PersonRef { id: string, displayName: string }

/** A question to the room (PROTOCOL.md "On air"): `counts[i]` votes for `options[i]`, one vote per account. */
export interface Poll {
  id: string
  livestreamId: string
  question: string
  options: string[]
  counts: number[]
  startedBy: PersonRef
  startedAt: string
  /** When it closes by itself; without it, when staff end it (or the show ends). */
  endsAt?: string
  endedAt?: string
}

export type QuestionStatus = 'open' | 'pinned' | 'answered'

/** A customer's question for the host: staff see the queue, pin one over the video, mark it answered. */
export interface Question {
  id: string
  livestreamId: string
  user: PersonRef
  text: string
  status: QuestionStatus
  createdAt: string
  pinnedAt?: string
  answeredAt?: string
}

/**
 * A giveaway with a verifiable draw: `seedHash` (SHA-256 of the seed, hex) is published when it
 * starts; the seed and the winners when it is drawn (README, "Giveaways": how to check a draw).
 */
export interface Giveaway {
  id: string
  livestreamId: string
  prize: string
  /** Sending it in chat enters, as the button does. */
  keyword?: string
  seedHash: string
  startsAt: string
  endsAt: string
  /** People entered (one per account and per browser). */
  entries: number
  drawnAt?: string
  seed?: string
  winners?: PersonRef[]
}

/** What a show has on air, for a page that arrives late or reconnects; `mine` is the asking account's. */
export interface OnAir {
  polls: Poll[]
  /** Customers get the pinned and answered ones; staff the whole queue. */
  questions: Question[]
  giveaways: Giveaway[]
  mine: { votes: Record<string, number>, entered: string[] }
}

export type DestinationStateName = 'idle' | 'connecting' | 'live' | 'retrying' | 'failed'

/** Where a show is restreamed; the stream key is never sent back. */
export interface Destination {
  id: string
  livestreamId: string
  name: string
  url: string
  createdAt: string
  state: DestinationStateName
  /** Why it is retrying or failed, in ffmpeg's words (the key blanked out). */
  error?: string
}

/** A short cut of a replay (a product's chapter, or a chosen range), with its own share page at /clip/:id. */
export interface Clip {
  id: string
  livestreamId: string
  title: string
  videoUrl: string
  thumbnailUrl?: string
  productId?: string
  /** Where in the replay it was cut from. */
  startSeconds: number
  endSeconds: number
  createdAt: string
}
