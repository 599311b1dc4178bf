// A show's page, rendered once for the crowd that opens a shared link at the same moment
// (server/plugins/page-cache.ts): what is kept, for whom, and what renders it again.
import { describe, expect, it } from 'vitest'
import { adminToken, api, baseURL, createProduct, createStream, guest, liveStream } from '../support/api'

/** One visitor opening `path`: how the page was answered, its HTML and its headers. */
async function open(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseURL()}${path}`, { headers })
  return { status: response.status, cache: response.headers.get('x-page-cache'), html: await response.text(), headers: response.headers }
}

const titleOf = (html: string) => /<h1[^>]*>\s*([^<]*?)\s*<\/h1>/.exec(html)?.[1]

describe('the page cache', () => {
  it('renders a show\'s page once and answers the same page to the next visitors, each with a request id of its own', async () => {
    const show = await liveStream()
    const first = await open(`/live/${show.id}`)
    const second = await open(`/live/${show.id}`)
    expect([first.status, second.status]).toEqual([200, 200])
    expect([first.cache, second.cache]).toEqual(['miss', 'hit'])
    expect(second.html).toBe(first.html)
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'))
    expect(second.headers.get('set-cookie')).toMatch(/^wrencos_locale=en;/)
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'))
    // The answer's security headers are this request's, not kept with the page.
    expect(second.headers.get('content-security-policy')).toBe(first.headers.get('content-security-policy'))
  })

  it('a burst of visitors on a page nobody has opened yet costs one render', async () => {
    const show = await liveStream()
    const answers = await Promise.all(Array.from({ length: 20 }, () => open(`/live/${show.id}?from=story`)))
    expect(answers.every(answer => answer.status === 200)).toBe(true)
    expect(answers.filter(answer => answer.cache === 'miss')).toHaveLength(1)
    expect(answers.every(answer => answer.cache === 'miss' || answer.cache === 'hit' || answer.cache === 'shared')).toBe(true)
    expect(new Set(answers.map(answer => answer.html)).size).toBe(1)
  })

  it('renders the page again at once when the show changes: its title, going live, its pins', async () => {
    const show = await createStream({ title: 'Before the change' })
    expect(titleOf((await open(`/live/${show.id}`)).html)).toBe('Before the change')
    expect((await open(`/live/${show.id}`)).cache).toBe('hit')

    expect((await api(`/api/livestreams/${show.id}`, { method: 'PATCH', token: adminToken(), body: { title: 'After the change' } })).status).toBe(200)
    const renamed = await open(`/live/${show.id}`)
    expect([renamed.cache, titleOf(renamed.html)]).toEqual(['miss', 'After the change'])

    expect((await api(`/api/livestreams/${show.id}/start`, { method: 'POST', token: adminToken() })).status).toBe(200)
    const live = await open(`/live/${show.id}`)
    expect(live.cache).toBe('miss')
    expect(live.html).toContain('"live"')

    const product = await createProduct({ name: `Pinned after ${Date.now()}` })
    expect((await open(`/live/${show.id}`)).cache).toBe('hit')
    expect((await api(`/api/livestreams/${show.id}/pin-product`, { method: 'POST', token: adminToken(), body: { productId: product.id, pinned: true } })).status).toBe(200)
    const pinned = await open(`/live/${show.id}`)
    expect([pinned.cache, pinned.html.includes(product.name)]).toEqual(['miss', true])
  })

  it('keeps each language apart, by the visitor\'s choice and by Accept-Language', async () => {
    const show = await liveStream()
    const lang = (html: string) => /<html[^>]* lang="([^"]+)"/.exec(html)?.[1]
    const english = await open(`/live/${show.id}`, { 'accept-language': 'en-GB,en;q=0.9' })
    const french = await open(`/live/${show.id}`, { 'accept-language': 'fr-FR,fr;q=0.9' })
    const chosen = await open(`/live/${show.id}`, { 'accept-language': 'fr-FR,fr;q=0.9', 'cookie': 'wrencos_locale=de' })
    expect([english.cache, french.cache, chosen.cache]).toEqual(['miss', 'miss', 'miss'])
    expect([lang(english.html), lang(french.html), lang(chosen.html)]).toEqual(['en-GB', 'fr-FR', 'de-DE'])
    const frenchAgain = await open(`/live/${show.id}`, { 'accept-language': 'fr-FR,fr;q=0.9' })
    expect([frenchAgain.cache, lang(frenchAgain.html)]).toEqual(['hit', 'fr-FR'])
    expect(frenchAgain.headers.get('set-cookie')).toMatch(/^wrencos_locale=fr;/)
  })

  it('past its second, answers the kept page at once while it renders it again, in the visitor\'s language', async () => {
    const show = await liveStream()
    const french = { 'accept-language': 'fr-FR,fr;q=0.9' }
    const first = await open(`/live/${show.id}`, french)
    expect(first.cache).toBe('miss')
    await new Promise(resolve => setTimeout(resolve, 1100))
    const stale = await open(`/live/${show.id}`, french)
    expect([stale.status, stale.cache, stale.html]).toEqual([200, 'stale', first.html])
    expect(stale.headers.get('set-cookie')).toMatch(/^wrencos_locale=fr;/)
    // Past its second the old page is only ever 'stale': a 'hit' is the render that replaced it,
    // made for the same visitor (in French), and the next visitors get it.
    await expect.poll(async () => {
      const next = await open(`/live/${show.id}`, french)
      return [next.cache, /<html[^>]* lang="([^"]+)"/.exec(next.html)?.[1], next.headers.get('set-cookie')?.startsWith('wrencos_locale=fr;')]
    }, { timeout: 5000 }).toEqual(['hit', 'fr-FR', true])
  })

  it('never answers a signed-in visitor from it, nor keeps their page', async () => {
    const show = await liveStream()
    const { token } = await guest('Signed in')
    const signedIn = await open(`/live/${show.id}`, { cookie: `wrencos_token=${token}` })
    const bearer = await open(`/live/${show.id}`, { authorization: `Bearer ${token}` })
    expect([signedIn.status, bearer.status]).toEqual([200, 200])
    expect([signedIn.cache, bearer.cache]).toEqual([null, null])
    expect((await open(`/live/${show.id}`)).cache).toBe('miss')
  })

  it('keeps the embedded player by its query, and never a page that failed', async () => {
    const show = await liveStream()
    expect((await open(`/embed/${show.id}?lang=fr`)).cache).toBe('miss')
    expect((await open(`/embed/${show.id}?lang=de`)).cache).toBe('miss')
    expect((await open(`/embed/${show.id}?lang=fr`)).cache).toBe('hit')
    const unknown = '0123456789abcdef01234567'
    const missing = [await open(`/live/${unknown}`), await open(`/live/${unknown}`)]
    expect(missing.map(answer => [answer.status, answer.cache])).toEqual([[404, 'miss'], [404, 'miss']])
  })
})
