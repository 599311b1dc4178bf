// /embed.js: <wrencos-live show="ID" [cart="external"] [lang="de"]> for a brand's own pages (the
// player speaks `lang`, else the language of the page around it, else the visitor's). It frames
// /embed/:id from the origin this script came from (the server allows only NUXT_EMBED_ORIGINS to
// frame it) and turns the player's messages into DOM events on the element: wrencos:ready,
// wrencos:product-click, wrencos:add-to-cart, wrencos:order (PROTOCOL.md).
const SCRIPT = `(() => {
  if (customElements.get('wrencos-live')) return
  const script = document.currentScript
  const origin = script ? new URL(script.src).origin : location.origin
  class WrencosLive extends HTMLElement {
    static get observedAttributes() { return ['show', 'cart', 'lang'] }
    constructor() {
      super()
      this.onMessage = this.onMessage.bind(this)
      const root = this.attachShadow({ mode: 'open' })
      root.innerHTML = '<style>:host{display:block;width:100%;height:100%;min-height:520px}iframe{display:block;width:100%;height:100%;min-height:inherit;border:0;border-radius:16px}</style>'
      this.frame = document.createElement('iframe')
      this.frame.setAttribute('allow', 'autoplay; fullscreen; picture-in-picture')
      this.frame.setAttribute('loading', 'lazy')
      root.appendChild(this.frame)
    }
    connectedCallback() { window.addEventListener('message', this.onMessage); this.load() }
    disconnectedCallback() { window.removeEventListener('message', this.onMessage) }
    attributeChangedCallback() { if (this.isConnected) this.load() }
    load() {
      const show = this.getAttribute('show')
      if (!show || !/^[\\w-]{1,64}$/.test(show)) return
      const src = new URL('/embed/' + encodeURIComponent(show), origin)
      if (this.getAttribute('cart') === 'external') src.searchParams.set('cart', 'external')
      src.searchParams.set('parent', location.origin)
      const lang = (this.getAttribute('lang') || document.documentElement.lang || '').slice(0, 2).toLowerCase()
      if (/^[a-z]{2}$/.test(lang)) src.searchParams.set('lang', lang)
      if (this.frame.src !== src.href) this.frame.src = src.href
      this.frame.title = this.getAttribute('title') || 'Live shopping show'
    }
    onMessage(event) {
      const data = event.data
      if (event.origin !== origin || event.source !== this.frame.contentWindow || !data || data.source !== 'wrencos-live') return
      this.dispatchEvent(new CustomEvent('wrencos:' + data.type, { detail: data.detail, bubbles: true, composed: true }))
    }
  }
  customElements.define('wrencos-live', WrencosLive)
})()
`

export default defineEventHandler((event) => {
  setResponseHeaders(event, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': 'public, max-age=300',
    // A script for other sites' pages: they load it with a plain <script src>, no credentials.
    'Cross-Origin-Resource-Policy': 'cross-origin',
  })
  return SCRIPT
})
