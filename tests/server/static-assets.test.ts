// The app's scripts reach a customer's phone compressed (nuxt.config's compressPublicAssets):
// brotli or gzip as its browser accepts, the same bytes once decoded, still cached for good.
import { get } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { api, baseURL } from '../support/api'

/** A GET whose body is left as it came over the wire (fetch would decode it). */
function rawGet(path: string, acceptEncoding?: string) {
  return new Promise<{ headers: Record<string, string | string[] | undefined>, body: Buffer }>((resolve, reject) => {
    get(`${baseURL()}${path}`, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', chunk => chunks.push(chunk))
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }))
    }).on('error', reject)
  })
}

describe('the app\'s own scripts and styles', () => {
  it('are sent brotli or gzip as the browser accepts, decode to the same bytes, and stay cached for good', async () => {
    const page = (await api<string>('/')).body
    const scripts = [...page.matchAll(/\/_nuxt\/[\w.-]+\.js/g)].map(match => match[0])
    expect(scripts.length).toBeGreaterThan(0)
    const sizes = await Promise.all([...new Set(scripts)].map(async path => [path, (await rawGet(path)).body.length] as const))
    const [largest, plainSize] = sizes.sort((a, b) => b[1] - a[1])[0]!
    expect(plainSize).toBeGreaterThan(10_000)

    const plain = await rawGet(largest)
    expect(plain.headers['content-encoding']).toBeUndefined()
    const brotli = await rawGet(largest, 'gzip, deflate, br')
    expect(brotli.headers['content-encoding']).toBe('br')
    expect(String(brotli.headers.vary)).toMatch(/accept-encoding/i)
    expect(brotli.headers['cache-control']).toContain('immutable')
    expect(brotliDecompressSync(brotli.body).equals(plain.body)).toBe(true)
    expect(brotli.body.length).toBeLessThan(plain.body.length / 2)

    const gzip = await rawGet(largest, 'gzip')
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true)
  })
})
