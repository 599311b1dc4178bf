// Whatever a client sends, the answer is a clear 4xx and nothing changes: never a 500.
import { request } from 'node:http'
import { describe, expect, inject, it } from 'vitest'
import { adminToken, api, createProduct, createStream, guest } from '../support/api'

const POISON: unknown[] = [
  null, 42, 'text', [], [1, 2], true,
  { $gt: '' }, { $where: 'sleep(1000)' }, { __proto__: { admin: true } }, { constructor: { prototype: { x: 1 } } },
  { title: { $ne: null }, quality: { $in: ['720p'] } },
  { items: 'all', shipping: [] },
  { email: ['a@b.co'], password: ['x'] },
  JSON.parse('{"a":' + '['.repeat(500) + ']'.repeat(500) + '}'),
]

describe('every JSON endpoint answers poison with a 4xx and changes nothing', async () => {
  const stream = await createStream({ title: 'Poison target' })
  const product = await createProduct({ name: 'Poison product', stock: 3 })
  const customer = await guest()
  const routes: [string, string, string | undefined][] = [
    ['POST', '/api/auth/login', undefined],
    ['POST', '/api/auth/register', undefined],
    ['POST', '/api/auth/guest', undefined],
    ['POST', '/api/livestreams', 'admin'],
    ['PATCH', `/api/livestreams/${stream.id}`, 'admin'],
    ['POST', `/api/livestreams/${stream.id}/like`, 'customer'],
    ['POST', `/api/livestreams/${stream.id}/view`, undefined],
    ['POST', `/api/livestreams/${stream.id}/pin-product`, 'admin'],
    ['POST', '/api/products', 'admin'],
    ['PATCH', `/api/products/${product.id}`, 'admin'],
    ['POST', '/api/orders', 'customer'],
  ]

  it.each(routes)('%s %s', async (method, path, who) => {
    const token = who === 'admin' ? adminToken() : who === 'customer' ? customer.token : undefined
    for (const body of POISON) {
      const response = await api(path, { method, token, body })
      expect(response.status, `${JSON.stringify(body)?.slice(0, 60)} -> ${JSON.stringify(response.body)}`).toBeGreaterThanOrEqual(400)
      expect(response.status).toBeLessThan(500)
    }
    const after = await api(`/api/livestreams/${stream.id}`)
    expect(after.body.livestream).toMatchObject({ title: 'Poison target', status: 'scheduled', likes: 0, viewCount: 0, pinnedProducts: [] })
    expect((await api(`/api/products/${product.id}`)).body.product).toMatchObject({ name: 'Poison product', stock: 3 })
  })
})

describe('bodies that are not JSON, or too much of it', () => {
  it('answers 400 for broken JSON', async () => {
    const response = await api('/api/auth/guest', { raw: '{"displayName": "Ana"', contentType: 'application/json' })
    expect(response.status).toBe(400)
  })

  it('answers 415 for a form post or text', async () => {
    expect((await api('/api/auth/guest', { raw: 'displayName=Ana', contentType: 'application/x-www-form-urlencoded' })).status).toBe(415)
    expect((await api('/api/auth/guest', { raw: 'Ana', contentType: 'text/plain' })).status).toBe(415)
  })

  it('answers 413 for a huge JSON body, announced or chunked', async () => {
    const huge = JSON.stringify({ displayName: 'x'.repeat(300 * 1024) })
    expect((await api('/api/auth/guest', { raw: huge, contentType: 'application/json' })).status).toBe(413)
    // Chunked: no Content-Length to refuse up front, so the limit applies while reading.
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL('/api/auth/guest', inject('baseURL'))
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume()
        resolve(res.statusCode!)
      })
      req.on('error', reject)
      for (let i = 0; i < 40; i++) req.write('x'.repeat(10 * 1024))
      req.end()
    })
    expect(status).toBe(413)
  })

  it('answers JSON 404 for an unknown API path', async () => {
    const response = await api('/api/does-not-exist')
    expect(response.status).toBe(404)
    expect(response.body).toMatchObject({ statusCode: 404, statusMessage: 'Not Found' })
  })

  it('sends security headers', async () => {
    const response = await fetch(`${inject('baseURL')}/`)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('permissions-policy')).toContain('camera=(self)')
  })

  it('keeps other windows away from every page but a show\'s live page, which opens without a second renderer', async () => {
    const show = await createStream()
    const opener = async (path: string) => (await fetch(`${inject('baseURL')}${path}`)).headers.get('cross-origin-opener-policy')
    for (const path of ['/', '/login', '/studio', `/studio/${show.id}`, `/embed/${show.id}`, `/live/${show.id}/calendar.ics`]) expect([path, await opener(path)]).toEqual([path, 'same-origin'])
    for (const path of [`/live/${show.id}`, `/live/${show.id}?ref=story`]) expect([path, await opener(path)]).toEqual([path, null])
  })
})
