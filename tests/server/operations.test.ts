// What a load balancer and an operator read: liveness, readiness, metrics, and a log that says
// a visitor's mistake in one line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { startServer, type RunningServer } from '../support/server'
import { TestSocket } from '../support/socket'

let server: RunningServer
beforeAll(async () => {
  server = await startServer({ NUXT_MONGODB_URI: '' })
})
afterAll(() => server?.stop())

describe('health', () => {
  it('/healthz says the process is up; /readyz that the store and the bus answer', async () => {
    expect((await api('/healthz', { base: server.baseURL })).body).toEqual({ status: 'ok' })
    const ready = await api('/readyz', { base: server.baseURL })
    expect(ready.status).toBe(200)
    expect(ready.body).toEqual({ ready: true, draining: false, checks: { store: true, bus: true, media: true } })
  })
})

describe('metrics', () => {
  it('are served to loopback in Prometheus\'s format: sockets, rooms, viewers, orders, refusals, event-loop lag', async () => {
    const socket = await TestSocket.open({ base: server.baseURL })
    try {
      const response = await fetch(`${server.baseURL}/metrics`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
      const text = await response.text()
      expect(text).toMatch(/^wrencos_sockets 1$/m)
      for (const name of ['wrencos_rooms', 'wrencos_viewers', 'wrencos_orders_total', 'wrencos_rate_limit_refusals_total', 'nodejs_eventloop_lag_seconds']) {
        expect(text, name).toContain(`# TYPE ${name}`)
      }
    }
    finally {
      socket.close()
    }
  })

  it('are not there for an address that is not allowed', async () => {
    const closed = await startServer({ NUXT_MONGODB_URI: '', NUXT_METRICS_ALLOW: '10.0.0.0/8' })
    try {
      const response = await api('/metrics', { base: closed.baseURL })
      expect(response.status).toBe(404)
      expect(response.body).toMatchObject({ statusCode: 404, statusMessage: 'Not Found' })
    }
    finally {
      await closed.stop()
    }
  })
})

describe('client errors', () => {
  it('are one short line each in the log, never a stack trace, and answer in PROTOCOL.md\'s shape', async () => {
    const before = server.output().length
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.baseURL}/live/ffffffffffffffffffffffff`)).status).toBe(404)
    const missing = await api('/uploads/videos/ffffffffffffffffffffffff.webm', { base: server.baseURL })
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ statusCode: 404, statusMessage: 'Not Found' })
    const write = await api('/uploads/videos/ffffffffffffffffffffffff.webm', { base: server.baseURL, method: 'PUT', raw: 'x' })
    expect(write.status).toBe(405)
    expect(write.body).toMatchObject({ statusCode: 405, statusMessage: 'Method Not Allowed' })
    await new Promise(resolve => setTimeout(resolve, 200))
    const log = server.output().slice(before)
    expect(log).not.toMatch(/^\s+at /m)
    expect(log).not.toContain('"stack"')
    // JSON logs (production's default): the access line of each, with the reason.
    expect(log.match(/"msg":"GET \/live\/ffffffffffffffffffffffff 404 \d+ ms: [^"]+"/g)).toHaveLength(3)
  })
})
