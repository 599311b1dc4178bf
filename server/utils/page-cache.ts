import type { Clock } from './clock'

/** A page as it was answered: the HTML and the headers the render set (its type, the language cookie). */
export interface CachedPage {
  body: string
  headers: Record<string, string | string[]>
}

/**
 * What a request does with a page: take it as kept, take it while a newer one renders (`refresh`:
 * this request is the one to start that render), wait for the render already under way, or render it.
 */
export type PageLookup
  = | { kind: 'hit', page: CachedPage }
    | { kind: 'stale', page: CachedPage, refresh: boolean }
    | { kind: 'shared', page: Promise<CachedPage | undefined> }
    | { kind: 'miss' }

export interface PageCache {
  lookup(key: string): PageLookup
  /**
   * This request renders `key`, a page of show `showId`: requests for the same key wait for it
   * meanwhile. Call the answer once with the page to keep, or with nothing (it failed, or is not
   * for everyone); a page whose show changed while it rendered is not kept.
   */
  begin(key: string, showId: string): (page?: CachedPage) => void
  /** The show changed: its pages are rendered again. */
  forget(showId: string): void
}

export interface PageCacheOptions {
  clock: Clock
  /** How long a rendered page is answered as it is. */
  ttlMs: number
  /**
   * How long after that it is still answered at once while a fresh render runs for the next
   * visitors (stale-while-revalidate); past it, the visitor waits for a render.
   */
  staleMs: number
  maxEntries: number
  /** The kept pages' HTML together, in characters. */
  maxChars: number
  /** How long a request waits for another's render before it renders its own. */
  waitMs: number
}

interface Entry { page: CachedPage, showId: string, until: number, staleUntil: number, chars: number, refreshingSince?: number }
interface Flight { page: Promise<CachedPage | undefined>, settle: (page?: CachedPage) => void, startedAt: number }

/**
 * Server-rendered pages kept for a moment, and one render shared by the requests that arrive
 * while it runs: the link a brand shares is opened by a crowd at once, and each render is 15-20 ms
 * of the one thread every customer's video signaling also needs (more when the cores are busy:
 * 150-950 ms to the first byte with six watching in p2p on two cores, bench/README.md). Past its
 * moment a page is still answered at once for a while, as the render that replaces it runs (the
 * caller starts it when told `refresh`): no visitor waits for a render but the first, or one
 * after a change to the show. Bounded in entries and in size; the oldest go first.
 */
export function createPageCache({ clock, ttlMs, staleMs, maxEntries, maxChars, waitMs }: PageCacheOptions): PageCache {
  const entries = new Map<string, Entry>()
  const flights = new Map<string, Flight>()
  /** Bumped when a show changes: a render begun before that is not kept. */
  const generations = new Map<string, number>()
  const generationOf = (showId: string) => generations.get(showId) ?? 0
  let chars = 0

  const drop = (key: string) => {
    const entry = entries.get(key)
    if (!entry) return
    chars -= entry.chars
    entries.delete(key)
  }
  const keep = (key: string, entry: Entry) => {
    drop(key)
    if (entry.chars > maxChars) return
    entries.set(key, entry)
    chars += entry.chars
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries && chars <= maxChars) break
      drop(oldest)
    }
  }
  const waitFor = (flight: Flight) => new Promise<CachedPage | undefined>((resolve) => {
    const timer = clock.after(waitMs, () => resolve(undefined))
    void flight.page.then((page) => {
      timer.cancel()
      resolve(page)
    })
  })

  /** The render under way for `key`; one that outlived the wait is given up (its waiters render). */
  const flightOf = (key: string) => {
    const flight = flights.get(key)
    if (!flight || clock.now() - flight.startedAt < waitMs) return flight
    flights.delete(key)
    flight.settle(undefined)
    return undefined
  }

  return {
    lookup(key) {
      const entry = entries.get(key)
      const now = clock.now()
      if (entry && entry.until > now) return { kind: 'hit', page: entry.page }
      if (entry && entry.staleUntil > now) {
        // One refresh at a time; one that has not come back within the wait may be tried again.
        const refresh = entry.refreshingSince === undefined || now - entry.refreshingSince >= waitMs
        if (refresh) entry.refreshingSince = now
        return { kind: 'stale', page: entry.page, refresh }
      }
      if (entry) drop(key)
      const flight = flightOf(key)
      return flight ? { kind: 'shared', page: waitFor(flight) } : { kind: 'miss' }
    },
    begin(key, showId) {
      const generation = generationOf(showId)
      // A request that waited too long renders too; the first render still answers the waiters.
      let flight: Flight | undefined
      if (!flightOf(key)) {
        let settle!: (page?: CachedPage) => void
        flight = { page: new Promise(resolve => (settle = resolve)), settle, startedAt: clock.now() }
        flights.set(key, flight)
      }
      let done = false
      return (page) => {
        if (done) return
        done = true
        const current = generationOf(showId) === generation
        const now = clock.now()
        if (page && current) keep(key, { page, showId, until: now + ttlMs, staleUntil: now + ttlMs + staleMs, chars: page.body.length })
        if (flight) {
          if (flights.get(key) === flight) flights.delete(key)
          flight.settle(current ? page : undefined)
        }
      }
    },
    forget(showId) {
      generations.set(showId, generationOf(showId) + 1)
      for (const [key, entry] of entries) if (entry.showId === showId) drop(key)
    },
  }
}
