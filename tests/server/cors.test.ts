// CORS: only the origins in NUXT_CORS_ORIGINS may call the API from their own pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { startServer, type RunningServer } from '../support/server'

describe('CORS', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer({ NUXT_CORS_ORIGINS: 'https://shop.wrencos.example, https://m.wrencos.example' })
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('answers a preflight from an allowed origin, with credentials', async () => {
    const response = await fetch(`${server.baseURL}/api/orders`, {
      method: 'OPTIONS',
      headers: { 'origin': 'https://shop.wrencos.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    expect(response.status).toBeLessThan(300)
    expect(response.headers.get('access-control-allow-origin')).toBe('https://shop.wrencos.example')
    expect(response.headers.get('access-control-allow-credentials')).toBe('true')
    expect(response.headers.get('access-control-allow-methods')).toContain('POST')
  })

  it('gives other origins no CORS headers, here and on the shared test server (none configured)', async () => {
    const elsewhere = await api('/api/products', { base: server.baseURL, headers: { origin: 'https://evil.example' } })
    expect(elsewhere.status).toBe(200)
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull()
    const sameOriginOnly = await api('/api/products', { headers: { origin: 'https://shop.wrencos.example' } })
    expect(sameOriginOnly.headers.get('access-control-allow-origin')).toBeNull()
    const allowed = await api('/api/products', { base: server.baseURL, headers: { origin: 'https://m.wrencos.example' } })
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://m.wrencos.example')
  })

  it('lets a listed origin change things with its own sign-in, and refuses an unlisted one', async () => {
    const guest = (origin: string) => api('/api/auth/guest', { base: server.baseURL, headers: { origin }, body: { displayName: 'Shop visitor' } })
    expect((await guest('https://shop.wrencos.example')).status).toBe(201)
    expect((await guest('https://evil.example')).status).toBe(403)
  })
})
