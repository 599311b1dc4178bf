// A page on another site cannot change anything here with the visitor's cookie.
import { describe, expect, inject, it } from 'vitest'
import { adminToken, api, createStream } from '../support/api'

async function adminCookie() {
  const response = await api('/api/auth/login', { body: { email: inject('adminEmail'), password: inject('adminPassword') } })
  return response.headers.get('set-cookie')!.split(';')[0]!
}

describe('state-changing requests from another site', () => {
  it('are refused (403) with the cookie, and change nothing', async () => {
    const cookie = await adminCookie()
    const stream = await createStream({ title: 'Cross-site target' })
    const start = (headers: Record<string, string>) => api(`/api/livestreams/${stream.id}/start`, { method: 'POST', headers: { cookie, ...headers } })
    const refused = await start({ origin: 'https://evil.example' })
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({ statusCode: 403, statusMessage: 'Forbidden' })
    // A browser that sends no Origin still says where the request came from.
    expect((await start({ 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.status).toBe('scheduled')
    for (const path of [`/api/livestreams/${stream.id}/like`, '/api/auth/logout', `/api/livestreams/${stream.id}/recording/finalize`]) {
      expect((await api(path, { method: 'POST', headers: { cookie, origin: 'https://evil.example' } })).status, path).toBe(403)
    }
    // The session survived the forged logout.
    expect((await api('/api/auth/me', { headers: { cookie } })).status).toBe(200)
  })

  it('pass from this site\'s own pages, and from clients that are not browsers', async () => {
    const cookie = await adminCookie()
    const stream = await createStream({ title: 'Same-site start' })
    const own = new URL(inject('baseURL')).origin
    expect((await api(`/api/livestreams/${stream.id}/start`, { method: 'POST', headers: { cookie, 'origin': own, 'sec-fetch-site': 'same-origin' } })).status).toBe(200)
    const other = await createStream({ title: 'Encoder start' })
    expect((await api(`/api/livestreams/${other.id}/start`, { method: 'POST', token: adminToken() })).status).toBe(200)
  })
})
