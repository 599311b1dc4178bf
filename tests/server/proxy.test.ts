// Behind a proxy (NUXT_TRUST_PROXY): the address and protocol the proxy saw are believed, and
// nothing a client writes to the left of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveAddress } from '../../server/utils/client-address'
import { api } from '../support/api'
import { startServer, type RunningServer } from '../support/server'

describe('the client address behind trusted proxies', () => {
  it('is the entry as many hops from the right as there are proxies; the client\'s own entries are ignored', () => {
    expect(resolveAddress('10.0.0.9', '198.51.100.7, 10.0.0.9', 1)).toBe('10.0.0.9')
    expect(resolveAddress('10.0.0.2', '203.0.113.5, 198.51.100.7, 10.0.0.9', 2)).toBe('198.51.100.7')
    expect(resolveAddress('10.0.0.2', '203.0.113.5', 2)).toBe('10.0.0.2')
    expect(resolveAddress('::ffff:127.0.0.1', '198.51.100.7', 0)).toBe('127.0.0.1')
  })
})

describe('a server behind one proxy', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer({ NUXT_TRUST_PROXY: 'true', NUXT_RATE_LIMITS: '' })
  })
  afterAll(() => server?.stop())

  it('limits logins by the address the proxy appended, whatever the client put before it', async () => {
    const statuses = []
    for (let n = 1; n <= 12; n++) {
      // The client writes 198.51.100.N; the proxy appends the address it really saw.
      const response = await api('/api/auth/login', {
        base: server.baseURL,
        headers: { 'x-forwarded-for': `198.51.100.${n}, 10.0.0.9` },
        body: { email: 'victim@example.com', password: `guess-${n}` },
      })
      statuses.push(response.status)
    }
    expect(statuses.slice(0, 10).every(status => status === 401)).toBe(true)
    expect(statuses.slice(10)).toEqual([429, 429])
  })

  it('marks the session cookie Secure and sends HSTS when the proxy says the browser used https', async () => {
    const login = (headers: Record<string, string>) => api('/api/auth/login', {
      base: server.baseURL, headers, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD },
    })
    const secure = await login({ 'x-forwarded-proto': 'https', 'x-forwarded-for': '10.0.0.10' })
    expect(secure.status).toBe(200)
    expect(secure.headers.get('set-cookie')).toMatch(/wrencos_token=[^;]+;.*Secure/i)
    expect(secure.headers.get('strict-transport-security')).toMatch(/max-age=\d+/)
    const plain = await login({ 'x-forwarded-for': '10.0.0.11' })
    expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/i)
    expect(plain.headers.get('strict-transport-security')).toBeNull()
  })
})

describe('a server with no proxy configured', () => {
  it('believes no X-Forwarded-Proto: no Secure cookie from a header a client can write', async () => {
    const server = await startServer({ NUXT_TRUST_PROXY: '' })
    try {
      const login = await api('/api/auth/login', {
        base: server.baseURL, headers: { 'x-forwarded-proto': 'https' }, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD },
      })
      expect(login.headers.get('set-cookie')).not.toMatch(/Secure/i)
      expect(login.headers.get('strict-transport-security')).toBeNull()
    }
    finally {
      await server.stop()
    }
  })
})
