// What a shared link unfurls into and what search engines read (PROTOCOL.md, "Sharing, search and
// reminders"): the og:/twitter: tags and the JSON-LD VideoObject, server-rendered in /live/:id.
import { Window } from 'happy-dom'
import { describe, expect, it } from 'vitest'
import { adminToken, api, baseURL, createProduct, createStream } from '../support/api'

const admin = () => ({ token: adminToken() })
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** The head of a show's page as a crawler reads it, through an HTML parser: meta tags by property or name, every script, the JSON-LD parsed. */
async function pageOf(id: string) {
  const response = await fetch(`${baseURL()}/live/${id}`, { headers: { 'user-agent': 'facebookexternalhit/1.1' } })
  expect(response.status).toBe(200)
  const html = await response.text()
  const window = new Window({ settings: { disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true } })
  const document = new window.DOMParser().parseFromString(html, 'text/html')
  const meta: Record<string, string> = {}
  for (const tag of document.querySelectorAll('meta[property], meta[name]')) meta[(tag.getAttribute('property') ?? tag.getAttribute('name'))!] = tag.getAttribute('content') ?? ''
  const scripts = [...document.querySelectorAll('script')].map(script => ({ type: script.getAttribute('type'), text: script.textContent ?? '' }))
  const ldScripts = scripts.filter(script => script.type === 'application/ld+json').map(script => script.text)
  const result = { html, meta, title: document.title, scripts, ldScripts, jsonLd: ldScripts.map(text => JSON.parse(text)) }
  await window.happyDOM.close()
  return result
}

describe('share cards and structured data', () => {
  it('a scheduled show: the tags with absolute URLs, the default card, and a BroadcastEvent; a hostile title stays text', async () => {
    const title = 'Glow "night" </script><script>alert(1)</script> & more'
    const scheduledAt = '2031-03-01T19:00:00.000Z'
    const show = await createStream({ title, description: 'Shades & tips', scheduledAt })
    const { meta, title: pageTitle, scripts, ldScripts, jsonLd } = await pageOf(show.id)
    // The parser finds no script of the title's: it stayed text in the title, the tags and the JSON-LD.
    expect(scripts.filter(script => !script.type?.endsWith('json')).some(script => script.text.includes('alert(1)'))).toBe(false)
    for (const text of ldScripts) expect(text).not.toContain('<')
    expect(pageTitle).toBe(`${title} · WrenCos Live`)
    expect(meta['og:title']).toBe(title)
    expect(meta['og:description']).toBe('Shades & tips')
    expect(meta['og:type']).toBe('video.other')
    expect(meta['og:url']).toBe(`${baseURL()}/live/${show.id}`)
    expect(meta['og:image']).toBe(`${baseURL()}/share-card.jpg`)
    expect(meta['twitter:card']).toBe('summary_large_image')
    const card = await fetch(meta['og:image']!)
    expect(card.status).toBe(200)
    expect(card.headers.get('content-type')).toBe('image/jpeg')

    expect(jsonLd).toHaveLength(1)
    expect(jsonLd[0]).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'VideoObject',
      'name': title,
      'description': 'Shades & tips',
      'thumbnailUrl': [`${baseURL()}/share-card.jpg`],
      'uploadDate': scheduledAt,
      'publication': { '@type': 'BroadcastEvent', 'isLiveBroadcast': true, 'startDate': scheduledAt },
    })
    expect(jsonLd[0].publication.endDate).toBeUndefined()
    expect(jsonLd[0].hasPart).toBeUndefined()
  })

  it('a live show: its first product\'s image is the card, and the BroadcastEvent starts when the show did', async () => {
    const product = await createProduct({ name: 'Velvet lipstick', imageUrl: '/demo/lipstick.svg' })
    const show = await createStream({ title: 'Live with a product' })
    const started = await api(`/api/livestreams/${show.id}/start`, { method: 'POST', ...admin() })
    await api(`/api/livestreams/${show.id}/pin-product`, { ...admin(), body: { productId: product.id, pinned: true } })
    const { meta, jsonLd } = await pageOf(show.id)
    expect(meta['og:image']).toBe(`${baseURL()}/demo/lipstick.svg`)
    expect(jsonLd[0].publication).toEqual({ '@type': 'BroadcastEvent', 'isLiveBroadcast': true, 'startDate': started.body.livestream.startTime })
    expect(jsonLd[0].contentUrl).toBeUndefined()
  })

  it('a replay: the recording, its length, an end to the broadcast and one Clip per product chapter, each with its ?t= link', async () => {
    const [serum, blush] = [await createProduct({ name: 'Glow serum' }), await createProduct({ name: 'Peach blush' })]
    const show = await createStream({ title: 'Replay with chapters' })
    await api(`/api/livestreams/${show.id}/start`, { method: 'POST', ...admin() })
    const pin = (productId: string, pinned: boolean) => api(`/api/livestreams/${show.id}/pin-product`, { ...admin(), body: { productId, pinned } })
    await pin(serum.id, true)
    await sleep(1100)
    await pin(serum.id, false)
    await pin(blush.id, true)
    await sleep(1100)
    const stopped = await api(`/api/livestreams/${show.id}/stop`, { method: 'POST', ...admin() })
    const data = new FormData()
    data.append('livestreamId', show.id)
    data.append('video', new Blob([new Uint8Array([0x1A, 0x45, 0xDF, 0xA3, ...Array.from({ length: 4092 }, () => 7)])], { type: 'video/webm' }), 'show.webm')
    const uploaded = await api('/api/uploads/livestream-video', { ...admin(), raw: data })
    expect(uploaded.status).toBe(201)

    const { jsonLd } = await pageOf(show.id)
    const page = `${baseURL()}/live/${show.id}`
    expect(jsonLd[0]).toMatchObject({
      '@type': 'VideoObject',
      'contentUrl': `${baseURL()}${uploaded.body.videoUrl}`,
      'duration': `PT${Math.round(stopped.body.livestream.durationSeconds)}S`,
      'publication': { '@type': 'BroadcastEvent', 'isLiveBroadcast': true, 'endDate': stopped.body.livestream.endTime },
    })
    const clips = jsonLd[0].hasPart as Array<{ '@type': string, 'name': string, 'startOffset': number, 'endOffset': number, 'url': string }>
    expect(clips.map(clip => clip.name)).toEqual(['Glow serum', 'Peach blush'])
    for (const clip of clips) {
      expect(clip['@type']).toBe('Clip')
      expect(clip.endOffset).toBeGreaterThan(clip.startOffset)
      expect(clip.url).toBe(`${page}?t=${clip.startOffset}`)
    }
    expect(clips[0]!.startOffset).toBe(0)
    expect(clips[1]!.startOffset).toBeGreaterThanOrEqual(1)
    expect(clips[1]!.endOffset).toBeLessThanOrEqual(Math.ceil(stopped.body.livestream.durationSeconds))
  })

  it('an unknown show is a 404 page, not a card', async () => {
    expect((await fetch(`${baseURL()}/live/ffffffffffffffffffffffff`)).status).toBe(404)
    expect((await api('/api/livestreams/ffffffffffffffffffffffff/share')).status).toBe(404)
  })
})
