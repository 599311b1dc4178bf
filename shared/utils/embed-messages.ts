// The messages between the embedded player and the page around it (PROTOCOL.md, "The player on
// the brand's own site" and "Catalogue"): /embed.js turns the player's into `wrencos:<type>` DOM
// events on <wrencos-live>, and posts the page's answers back into the frame.
export const EMBED_SOURCE = 'wrencos-live'
/** What /embed.js marks the page's messages with. */
export const BRAND_SOURCE = 'wrencos-brand'

export type EmbedMessageType = 'ready' | 'product-click' | 'add-to-cart' | 'order'

export interface EmbedMessage { source: typeof EMBED_SOURCE, show: string, type: EmbedMessageType, detail: Record<string, unknown> }

/** The brand's answer to one add-to-cart (`event.detail.respond(...)`). */
export interface CartReply { ok: boolean, reason?: 'out_of_stock' | 'other', message?: string }

/** What the page tells the player: an add-to-cart's answer (by its `ref`), or what its cart holds (`syncCart`). */
export type BrandMessage
  = | { source: typeof BRAND_SOURCE, type: 'add-to-cart-result', ref: string, ok: boolean, reason?: string, message?: string }
    | { source: typeof BRAND_SOURCE, type: 'cart', items: Array<{ quantity?: number }> }

/** How the player talks to the page around it; `cart: 'external'` hands add-to-cart to that page. */
export interface EmbedBridge {
  cart: 'internal' | 'external'
  post(type: EmbedMessageType, detail: Record<string, unknown>): void
  /** Hands an add-to-cart to the page: its answer, or null when it gave none in time (a page that does not answer). */
  addToCart(detail: Record<string, unknown>): Promise<CartReply | null>
  /** Units in the brand's cart, as the page last said (null: it never said). */
  brandCartUnits(): number | null
}
