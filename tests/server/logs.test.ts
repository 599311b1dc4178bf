// The log as an operations team reads it (PROTOCOL.md, "Operations"): with NUXT_LOG_FORMAT=json
// every line is one JSON object; a request's lines carry its X-Request-Id (the one a proxy gave,
// or a new one, always answered); and no token, password, stream key or whole email is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { startServer, type RunningServer } from '../support/server'
import { TestSocket } from '../support/socket'

let server: RunningServer
beforeAll(async () => {
  server = await startServer({ NUXT_MONGODB_URI: '', NUXT_LOG_FORMAT: 'json' })
})
afterAll(() => server?.stop())

const lines = () => server.output().split('\n').filter(Boolean).filter(line => !line.startsWith('Listening on'))

describe('JSON logs', () => {
  it('tie each line to its request, and carry no secret', async () => {
    const base = server.baseURL
    const email = `log.customer.${Date.now()}@example.com`
    const password = 'a-password-nobody-logs'
    const registered = await api('/api/auth/register', { base, body: { email, password, displayName: 'Logged' } })
    const customerToken = registered.body.token as string
    const adminToken = (await api('/api/auth/login', { base, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token as string
    const show = (await api('/api/livestreams', { base, token: adminToken, body: { title: 'Logged show', quality: '480p' } })).body.livestream
    const { streamKey } = (await api(`/api/livestreams/${show.id}/stream-key`, { base, method: 'POST', token: adminToken })).body
    expect(streamKey).toMatch(/^wcs_/)
    const socket = await TestSocket.open({ base, token: customerToken })
    socket.close()

    // A proxy's id is kept and answered; the failed login it names is logged under it.
    const requestId = `edge-${Date.now()}-abcdef`
    const refused = await fetch(`${base}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: JSON.stringify({ email, password: 'wrong-password-1' }),
    })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('x-request-id')).toBe(requestId)
    // Without one, the server makes one.
    const made = (await fetch(`${base}/api/products`)).headers.get('x-request-id')
    expect(made).toMatch(/^[0-9a-f-]{36}$/)
    // A signed-in request's line names its user.
    const me = await fetch(`${base}/api/auth/me`, { headers: { 'authorization': `Bearer ${customerToken}`, 'x-request-id': `${requestId}-me` } })
    expect(me.status).toBe(200)
    await new Promise(resolve => setTimeout(resolve, 300))

    const parsed = lines().map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>
      }
      catch {
        throw new Error(`not a JSON line: ${line}`)
      }
    })
    for (const entry of parsed) {
      expect(typeof entry.time).toBe('string')
      expect(['debug', 'info', 'warn', 'error']).toContain(entry.level)
      expect(typeof entry.msg).toBe('string')
    }
    const ofRequest = parsed.filter(entry => entry.requestId === requestId)
    // One line for the request, with the refusal's reason.
    expect(ofRequest.map(entry => entry.msg)).toEqual([expect.stringMatching(/^POST \/api\/auth\/login 401 \d+ ms: wrong email or password$/)])
    expect(parsed.find(entry => entry.requestId === `${requestId}-me`)).toMatchObject({ userId: registered.body.user.id, msg: expect.stringMatching(/^GET \/api\/auth\/me 200/) })
    expect(parsed.some(entry => entry.requestId === made), JSON.stringify(parsed.filter(entry => String(entry.msg).includes('/api/products')))).toBe(true)
    // The socket's upgrade is logged without its ?token=.
    expect(parsed.some(entry => entry.msg === `GET /_ws 101` || String(entry.msg).startsWith('GET /_ws '))).toBe(true)

    const log = server.output()
    for (const secret of [customerToken, adminToken, streamKey, password, server.env.NUXT_ADMIN_PASSWORD, server.env.NUXT_JWT_SECRET, email, server.env.NUXT_ADMIN_EMAIL]) {
      expect(log).not.toContain(secret)
    }
  })
})
