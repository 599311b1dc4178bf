import { randomUUID } from 'node:crypto'
import { getCookie, getHeader, getResponseStatus, setResponseHeader, type H3Event } from 'h3'
import { LOCALE_COOKIE } from '#shared/utils/locales'
import { listenTo, onShowChanged } from '../domain/events'
import { requestToken } from '../utils/auth'
import { systemClock } from '../utils/clock'
import { createPageCache, type CachedPage } from '../utils/page-cache'
import { showPageOf } from '../utils/show-page'

/**
 * Which kept page answers this request, or none: only a GET of a show's page by a visitor who is
 * not signed in (a signed-in page may carry what is theirs). The key holds everything such a
 * render reads from the request: the origin its URLs start with, the path and query, and what
 * picks its language.
 */
function pageOf(event: H3Event): { key: string, showId: string } | undefined {
  if (event.method !== 'GET') return undefined
  const showId = showPageOf(event.path)?.showId
  if (!showId || requestToken(event)) return undefined
  return { showId, key: [publicBase(event), event.path, getCookie(event, LOCALE_COOKIE) ?? '', getHeader(event, 'accept-language') ?? ''].join('\n') }
}

/** The cookies a render set, if they are the same for everyone with this key (the language's); otherwise the page is not kept. */
function cookiesForEveryone(event: H3Event): string[] | undefined {
  const cookies = [event.node.res.getHeader('set-cookie') ?? []].flat().map(String)
  return cookies.every(cookie => cookie.startsWith(`${LOCALE_COOKIE}=`)) ? cookies : undefined
}

/** The request headers a render of a kept page reads (see pageOf), passed on to the render that refreshes it. */
function renderInputs(event: H3Event): Record<string, string> {
  const locale = getCookie(event, LOCALE_COOKIE)
  const inputs: Record<string, string | undefined> = {
    'host': getHeader(event, 'host'),
    'x-forwarded-host': getHeader(event, 'x-forwarded-host'),
    'x-forwarded-proto': getHeader(event, 'x-forwarded-proto'),
    'accept-language': getHeader(event, 'accept-language'),
    'cookie': locale === undefined ? undefined : `${LOCALE_COOKIE}=${encodeURIComponent(locale)}`,
  }
  return Object.fromEntries(Object.entries(inputs).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

/** Marks the server's own request that renders a kept page again; its value is single-use, known only to this process. */
const REFRESH_HEADER = 'x-wrencos-page-refresh'

// A show's page (/live/:id, /embed/:id: what a shared link opens), rendered once a second at most
// for everyone who opens it then (utils/page-cache.ts). For 30 s after that second the kept page is
// still answered at once while the server renders it again for the next visitors, so a customer
// who opens it alone, on a busy machine, does not wait for a render either.
// A change to the show in this process renders it again at once; one made by another process
// shows within the second to the next visitor but one, and the page's socket carries every change
// live anyway. `X-Page-Cache` says which it was: miss (rendered), hit, stale (kept, being
// rendered again), or shared (another request's render, awaited). Not in dev, where the code
// itself changes.
export default defineNitroPlugin((nitroApp) => {
  if (import.meta.dev) return
  const cache = createPageCache({ clock: systemClock, ttlMs: 1000, staleMs: 30_000, maxEntries: 500, maxChars: 20_000_000, waitMs: 3000 })
  /** Refreshes under way: the header's value, and the page it renders. */
  const refreshes = new Map<string, { key: string, showId: string }>()

  /** Renders `page` again in the background, through the whole app as a visitor's request would be. */
  function refresh(event: H3Event, page: { key: string, showId: string }) {
    const id = randomUUID()
    refreshes.set(id, page)
    nitroApp.localFetch(event.path, { headers: { ...renderInputs(event), [REFRESH_HEADER]: id } })
      .then(response => response.body?.cancel())
      // A failed refresh keeps nothing; the next visitor past the wait tries again (utils/page-cache.ts).
      .catch(() => {})
      .finally(() => refreshes.delete(id))
  }

  nitroApp.hooks.hook('render:before', async (context) => {
    const refreshId = getHeader(context.event, REFRESH_HEADER)
    const refreshing = refreshId === undefined ? undefined : refreshes.get(refreshId)
    const page = refreshing ?? pageOf(context.event)
    if (!page) return
    if (!refreshing) {
      const found = cache.lookup(page.key)
      if (found.kind === 'stale' && found.refresh) refresh(context.event, page)
      const kept = found.kind === 'hit' || found.kind === 'stale' ? found.page : found.kind === 'shared' ? await found.page : undefined
      if (kept) {
        context.response = { body: kept.body, statusCode: 200, headers: { ...kept.headers, 'x-page-cache': found.kind } as Record<string, string> }
        return
      }
    }
    const finish = cache.begin(page.key, page.showId)
    context.event.context.keepPage = finish
    setResponseHeader(context.event, 'X-Page-Cache', 'miss')
    // Whatever becomes of the render (kept by render:response, or failed), those waiting for it
    // are let go once this answer is out.
    context.event.node.res.once('close', () => finish())
  })

  nitroApp.hooks.hook('render:response', (response, { event }) => {
    const finish = event.context.keepPage as ((page?: CachedPage) => void) | undefined
    if (!finish) return
    const cookies = cookiesForEveryone(event)
    const ok = (response.statusCode ?? getResponseStatus(event)) === 200 && typeof response.body === 'string' && cookies
    finish(ok ? { body: response.body as string, headers: { ...response.headers, ...(cookies.length ? { 'set-cookie': cookies } : {}) } } : undefined)
  })

  const detach = useApp().then(({ core }) => listenTo(core.events, {
    ...onShowChanged(cache.forget),
    // Whether the host's video flows decides if the page starts it from its HTML.
    media: ({ livestreamId }) => cache.forget(livestreamId),
    // Not on `products`: every order is one, and a flash deal's crowd is when the page is opened
    // most. The stock in a kept page is at most a second old, as from another process; the room
    // reads it live once it opens.
  }), () => () => {})
  nitroApp.hooks.hook('close', async () => (await detach)())
})
