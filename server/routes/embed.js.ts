// /embed.js: <wrencos-live show="ID" [cart="external"] [lang="de"]> for a brand's own pages (the
// player speaks `lang`, else the language of the page around it, else the visitor's). It frames
// /embed/:id from the origin this script came from (the server allows only NUXT_EMBED_ORIGINS to
// frame it) and turns the player's messages into DOM events on the element: wrencos:ready,
// wrencos:product-click, wrencos:add-to-cart, wrencos:order (PROTOCOL.md). The page answers an
// add-to-cart with event.detail.respond({ ok } | { ok: false, reason, message }), tells the player
// what its cart holds with element.syncCart({ items }), and reports a purchase on its confirmation
// page with window.wrencos.purchase({ orderId, totalCents, currency, items }): recorded for the
// show watched on this site in the last 30 days (remembered in this site's own localStorage).
const SCRIPT = `(() => {
  if (customElements.get('wrencos-live')) return
  const script = document.currentScript
  const origin = script ? new URL(script.src).origin : location.origin
  const WATCHED = 'wrencos:watched'
  const THIRTY_DAYS = 30 * 24 * 3600 * 1000
  const remember = (show) => { try { localStorage.setItem(WATCHED, JSON.stringify({ show, at: Date.now() })) } catch {} }
  const watched = () => { try { const seen = JSON.parse(localStorage.getItem(WATCHED) || 'null'); return seen && Date.now() - seen.at < THIRTY_DAYS ? seen.show : null } catch { return null } }
  window.wrencos = window.wrencos || {}
  window.wrencos.purchase = async (order) => {
    const show = watched()
    if (!show || !order || !order.orderId) return { recorded: false }
    const answer = await fetch(origin + '/api/livestreams/' + encodeURIComponent(show) + '/attributions', {
      method: 'POST', mode: 'cors', credentials: 'omit', keepalive: true,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: String(order.orderId), totalCents: order.totalCents, currency: order.currency, items: order.items || [] }),
    })
    return answer.ok ? answer.json() : { recorded: false, status: answer.status }
  }
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
    tell(message) { if (this.frame.contentWindow) this.frame.contentWindow.postMessage({ source: 'wrencos-brand', ...message }, origin) }
    syncCart(cart) { this.tell({ type: 'cart', items: JSON.parse(JSON.stringify((cart && cart.items) || [])) }) }
    onMessage(event) {
      const data = event.data
      if (event.origin !== origin || event.source !== this.frame.contentWindow || !data || data.source !== 'wrencos-live') return
      if (data.type === 'ready') remember(data.show)
      const detail = { ...data.detail }
      if (data.type === 'add-to-cart') {
        let answered = false
        detail.respond = (result) => {
          if (answered) return
          answered = true
          const ok = !!(result && result.ok)
          this.tell({ type: 'add-to-cart-result', ref: data.detail.ref, ok, reason: ok ? undefined : (result && result.reason) || 'other', message: result && typeof result.message === 'string' ? result.message.slice(0, 200) : undefined })
        }
      }
      this.dispatchEvent(new CustomEvent('wrencos:' + data.type, { detail, bubbles: true, composed: true }))
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
