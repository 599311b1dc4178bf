// The messages the embedded player sends to the page around it (PROTOCOL.md, "The player on the
// brand's own site"); /embed.js turns each into a `wrencos:<type>` DOM event on <wrencos-live>.
export const EMBED_SOURCE = 'wrencos-live'

export type EmbedMessageType = 'ready' | 'product-click' | 'add-to-cart' | 'order'

export interface EmbedMessage { source: typeof EMBED_SOURCE, show: string, type: EmbedMessageType, detail: Record<string, unknown> }

/** How the player talks to the page around it; `cart: 'external'` hands add-to-cart to that page. */
export interface EmbedBridge {
  cart: 'internal' | 'external'
  post(type: EmbedMessageType, detail: Record<string, unknown>): void
}
