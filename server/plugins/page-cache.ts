import { getHeader, getResponseStatus, parseCookies, setResponseHeader, type H3Event } from 'h3'
import { LOCALE_COOKIE } from '#shared/utils/locales'
import { listenTo } from '../domain/events'
import { AUTH_COOKIE } from '../utils/auth'
import { systemClock } from '../utils/clock'
import { createPageCache, type CachedPage } from '../utils/page-cache'

/** The pages a shared link opens: a show's live page, and its player on a brand's site. */
const SHOW_PAGE = /^\/(?:live|embed)\/([^/?#]+)(?:\?|$)/

/**
 * Which kept page answers this request, or none: only a GET of a show's page by a visitor who is
 * not signed in (a signed-in page may carry what is theirs). The key holds everything such a
 * render reads from the request: the origin its URLs start with, the path and query, and what
 * picks its language.
 */
function pageOf(event: H3Event): { key: string, showId: string } | undefined {
  if (event.method !== 'GET') return undefined
  const showId = SHOW_PAGE.exec(event.path)?.[1]
  if (!showId || getHeader(event, 'authorization')) return undefined
  const cookies = parseCookies(event)
  if (cookies[AUTH_COOKIE]) return undefined
  return { showId, key: [publicBase(event), event.path, cookies[LOCALE_COOKIE] ?? '', getHeader(event, 'accept-language') ?? ''].join('\n') }
}

/** The cookies a render set, if they are the same for everyone with this key (the language's); otherwise the page is not kept. */
function cookiesForEveryone(event: H3Event): string[] | undefined {
  const cookies = [event.node.res.getHeader('set-cookie') ?? []].flat().map(String)
  return cookies.every(cookie => cookie.startsWith(`${LOCALE_COOKIE}=`)) ? cookies : undefined
}

// A show's page, rendered once a second at most for everyone who opens it then (utils/page-cache.ts).
// A change to the show in this process renders it again at once; one made by another process
// shows within the second, as for GET /api/livestreams/:id, and the page's socket carries every
// change live anyway. `X-Page-Cache` says which it was: miss (rendered), hit, or shared (another
// request's render, awaited). Not in dev, where the code itself changes.
export default defineNitroPlugin((nitroApp) => {
  if (import.meta.dev) return
  const cache = createPageCache({ clock: systemClock, ttlMs: 1000, maxEntries: 500, maxChars: 20_000_000, waitMs: 3000 })

  nitroApp.hooks.hook('render:before', async (context) => {
    const page = pageOf(context.event)
    if (!page) return
    const found = cache.lookup(page.key)
    const kept = found.kind === 'hit' ? found.page : found.kind === 'shared' ? await found.page : undefined
    if (kept) {
      context.response = { body: kept.body, statusCode: 200, headers: { ...kept.headers, 'x-page-cache': found.kind } as Record<string, string> }
      return
    }
    const finish = cache.begin(page.key, page.showId)
    context.event.context.keepPage = finish
    setResponseHeader(context.event, 'X-Page-Cache', 'miss')
    // Whatever becomes of the render, those waiting for it are let go.
    context.event.node.res.once('close', () => finish())
    const render = context.render
    context.render = async (event) => {
      try {
        return await render(event)
      }
      catch (error) {
        finish()
        throw error
      }
    }
  })

  nitroApp.hooks.hook('render:response', (response, { event }) => {
    const finish = event.context.keepPage as ((page?: CachedPage) => void) | undefined
    if (!finish) return
    const cookies = cookiesForEveryone(event)
    const ok = (response.statusCode ?? getResponseStatus(event)) === 200 && typeof response.body === 'string' && cookies
    finish(ok ? { body: response.body as string, headers: { ...response.headers, ...(cookies.length ? { 'set-cookie': cookies } : {}) } } : undefined)
  })

  const detach = useApp().then(({ core }) => listenTo(core.events, {
    started: ({ livestream }) => cache.forget(livestream.id),
    stopped: livestream => cache.forget(livestream.id),
    updated: livestream => cache.forget(livestream.id),
    deleted: id => cache.forget(id),
    pins: ({ livestreamId }) => cache.forget(livestreamId),
    // Whether the host's video flows decides if the page starts it from its HTML.
    media: ({ livestreamId }) => cache.forget(livestreamId),
    // Not on `products`: every order is one, and a flash deal's crowd is when the page is opened
    // most. The stock in a kept page is at most a second old, as from another process; the room
    // reads it live once it opens.
  }), () => () => {})
  nitroApp.hooks.hook('close', async () => (await detach)())
})
