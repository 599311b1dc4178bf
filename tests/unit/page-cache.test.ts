import { describe, expect, it } from 'vitest'
import { createPageCache, type CachedPage, type PageLookup } from '../../server/utils/page-cache'
import { manualClock } from '../support/manual-clock'

function setUp(options: Partial<{ maxEntries: number, maxChars: number }> = {}) {
  const clock = manualClock()
  const cache = createPageCache({ clock, ttlMs: 1000, staleMs: 30_000, maxEntries: 10, maxChars: 1000, waitMs: 3000, ...options })
  return { clock, cache }
}

const page = (body: string): CachedPage => ({ body, headers: { 'content-type': 'text/html;charset=utf-8' } })
/** Renders `key` (a page of `showId`) and keeps `body`. */
function render(cache: ReturnType<typeof setUp>['cache'], key: string, showId: string, body: string) {
  expect(cache.lookup(key).kind).toBe('miss')
  cache.begin(key, showId)(page(body))
}
const keptBody = (found: PageLookup) => found.kind === 'hit' ? found.page.body : undefined

describe('createPageCache', () => {
  it('answers a rendered page for a second, then has it rendered again', () => {
    const { clock, cache } = setUp()
    render(cache, '/live/a', 'a', '<html>A</html>')
    clock.advance(999)
    expect(keptBody(cache.lookup('/live/a'))).toBe('<html>A</html>')
    clock.advance(1)
    expect(cache.lookup('/live/a')).toMatchObject({ kind: 'stale', refresh: true, page: { body: '<html>A</html>' } })
  })

  it('answers a page past its second at once while one request renders it again, then the new one', () => {
    const { clock, cache } = setUp()
    render(cache, '/live/a', 'a', 'A')
    clock.advance(5000)
    const first = cache.lookup('/live/a')
    expect(first).toMatchObject({ kind: 'stale', refresh: true, page: { body: 'A' } })
    const finish = cache.begin('/live/a', 'a')
    // Visitors during that render are not made to wait for it, nor start another.
    expect(cache.lookup('/live/a')).toMatchObject({ kind: 'stale', refresh: false, page: { body: 'A' } })
    finish(page('A again'))
    expect(keptBody(cache.lookup('/live/a'))).toBe('A again')
  })

  it('lets another request refresh a page whose refresh did not come back within the wait', () => {
    const { clock, cache } = setUp()
    render(cache, '/live/a', 'a', 'A')
    clock.advance(1000)
    expect(cache.lookup('/live/a')).toMatchObject({ kind: 'stale', refresh: true })
    clock.advance(2999)
    expect(cache.lookup('/live/a')).toMatchObject({ kind: 'stale', refresh: false })
    clock.advance(1)
    expect(cache.lookup('/live/a')).toMatchObject({ kind: 'stale', refresh: true })
  })

  it('makes the visitor wait for a render once the page is older than its second and the stale time', () => {
    const { clock, cache } = setUp()
    render(cache, '/live/a', 'a', 'A')
    clock.advance(30_999)
    expect(cache.lookup('/live/a').kind).toBe('stale')
    clock.advance(1)
    expect(cache.lookup('/live/a').kind).toBe('miss')
  })

  it('shares one render with every request that arrives while it runs', async () => {
    const { cache } = setUp()
    expect(cache.lookup('/live/a').kind).toBe('miss')
    const finish = cache.begin('/live/a', 'a')
    const waiting = [cache.lookup('/live/a'), cache.lookup('/live/a'), cache.lookup('/live/a')]
    expect(waiting.map(found => found.kind)).toEqual(['shared', 'shared', 'shared'])
    finish(page('<html>A</html>'))
    const pages = await Promise.all(waiting.map(found => found.kind === 'shared' ? found.page : undefined))
    expect(pages.map(shared => shared?.body)).toEqual(['<html>A</html>', '<html>A</html>', '<html>A</html>'])
    expect(keptBody(cache.lookup('/live/a'))).toBe('<html>A</html>')
  })

  it('lets the waiters render for themselves when the render fails, and keeps nothing', async () => {
    const { cache } = setUp()
    const finish = cache.begin('/live/a', 'a')
    const waiting = cache.lookup('/live/a')
    finish()
    expect(waiting.kind === 'shared' && await waiting.page).toBeUndefined()
    expect(cache.lookup('/live/a').kind).toBe('miss')
  })

  it('gives up a render that outlives the wait: its waiters and the next request render', async () => {
    const { clock, cache } = setUp()
    cache.begin('/live/a', 'a')
    const waiting = cache.lookup('/live/a')
    clock.advance(3000)
    expect(waiting.kind === 'shared' && await waiting.page).toBeUndefined()
    expect(cache.lookup('/live/a').kind).toBe('miss')
  })

  it('drops a show\'s pages when it changes, and does not keep a render begun before the change', async () => {
    const { cache } = setUp()
    render(cache, '/live/a', 'a', 'A')
    render(cache, '/embed/a', 'a', 'A framed')
    render(cache, '/live/b', 'b', 'B')
    const stale = cache.begin('/live/a?ref=mail', 'a')
    const waiting = cache.lookup('/live/a?ref=mail')
    cache.forget('a')
    expect(cache.lookup('/live/a').kind).toBe('miss')
    expect(cache.lookup('/embed/a').kind).toBe('miss')
    expect(keptBody(cache.lookup('/live/b'))).toBe('B')
    stale(page('A before the change'))
    expect(waiting.kind === 'shared' && await waiting.page).toBeUndefined()
    expect(cache.lookup('/live/a?ref=mail').kind).toBe('miss')
    // A render begun after the change is kept as usual.
    render(cache, '/live/a', 'a', 'A after')
    expect(keptBody(cache.lookup('/live/a'))).toBe('A after')
  })

  it('holds at most its entries and its characters, the oldest going first', () => {
    const { cache } = setUp({ maxEntries: 3, maxChars: 100 })
    for (const key of ['1', '2', '3', '4']) render(cache, key, key, 'x'.repeat(10))
    expect(['1', '2', '3', '4'].map(key => cache.lookup(key).kind)).toEqual(['miss', 'hit', 'hit', 'hit'])
    render(cache, '5', '5', 'y'.repeat(90))
    expect(['2', '3', '4', '5'].map(key => cache.lookup(key).kind)).toEqual(['miss', 'miss', 'hit', 'hit'])
    // A page larger than the whole cache is answered, never kept.
    render(cache, '6', '6', 'z'.repeat(101))
    expect(cache.lookup('6').kind).toBe('miss')
    expect(keptBody(cache.lookup('5'))).toBe('y'.repeat(90))
  })
})
