// The server as an operator starts it: configuration it refuses, and data that survives a restart.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { adminToken, api, createProduct, guest } from '../support/api'
import { ROOT, freePort, startServer } from '../support/server'

/** Starts the built server with `env` and answers how it exited within 10 s (null if it kept running) and what it printed. */
async function startRefused(env: NodeJS.ProcessEnv) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wrencos-refused-'))
  const child = spawn(process.execPath, [join(ROOT, '.output/server/index.mjs')], { env: { ...env, PORT: String(await freePort()), NUXT_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve(null)
    }, 10_000)
    child.on('exit', (exitCode) => {
      clearTimeout(timer)
      resolve(exitCode)
    })
  })
  rmSync(dataDir, { recursive: true, force: true })
  return { code, output }
}

describe('starting the production server', () => {
  it('refuses to start without NUXT_JWT_SECRET', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env }
    delete env.NUXT_JWT_SECRET
    const { code, output } = await startRefused(env)
    expect(code).toBe(1)
    expect(output).toContain('NUXT_JWT_SECRET')
  })

  it('refuses a webhook receiver whose URL carries credentials, or is no http(s) URL, and names it without its password', async () => {
    // 524255a started, failed every delivery for ever, and showed the password in the delivery log.
    const base = { ...process.env, NUXT_JWT_SECRET: 'startup-secret', NUXT_WEBHOOK_SECRET: 'hook-secret' }
    const withPassword = await startRefused({ ...base, NUXT_WEBHOOK_URLS: 'https://hooks.example.com/ok,http://user:hunter2@127.0.0.1:9/hook' })
    expect(withPassword.code).toBe(1)
    expect(withPassword.output).toContain('NUXT_WEBHOOK_URLS: http://***@127.0.0.1:9/hook carries credentials')
    expect(withPassword.output).not.toContain('hunter2')
    const notHttp = await startRefused({ ...base, NUXT_WEBHOOK_URLS: 'ftp://127.0.0.1/hook' })
    expect(notHttp.code).toBe(1)
    expect(notHttp.output).toContain('is not an http(s) URL')
  })

  it('keeps its data across a restart, and seeds the admin and demo data only once', async () => {
    // On the embedded store of its own, even where the suite runs on MongoDB.
    const first = await startServer({ NUXT_MONGODB_URI: '' })
    const login = await fetch(`${first.baseURL}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: first.env.NUXT_ADMIN_EMAIL, password: first.env.NUXT_ADMIN_PASSWORD }) })
    const { token } = await login.json() as { token: string }
    const created = await fetch(`${first.baseURL}/api/products`, { method: 'POST', headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` }, body: JSON.stringify({ name: 'Survivor', priceCents: 100, currency: 'EUR', stock: 2 }) })
    expect(created.status).toBe(201)
    const before = (await (await fetch(`${first.baseURL}/api/products`)).json() as { items: unknown[] }).items.length
    await first.stop({ keepData: true })

    const second = await startServer(first.env, { dataDir: first.dataDir })
    try {
      const products = (await (await fetch(`${second.baseURL}/api/products`)).json() as { items: { name: string }[] }).items
      expect(products.map(p => p.name)).toContain('Survivor')
      expect(products).toHaveLength(before)
      // The old token still works: same secret, same user.
      const me = await fetch(`${second.baseURL}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })
      expect(me.status).toBe(200)
    }
    finally {
      await second.stop()
    }
  })
})

describe('two processes on one embedded database', () => {
  it('sell the last item once between them', async () => {
    // A second server process on the same data directory as the shared test server.
    const second = await startServer({ NUXT_JWT_SECRET: inject('jwtSecret'), NUXT_ADMIN_EMAIL: inject('adminEmail'), NUXT_ADMIN_PASSWORD: inject('adminPassword') }, { dataDir: inject('dataDir') })
    try {
      const product = await createProduct({ stock: 1 })
      const buyers = await Promise.all(Array.from({ length: 10 }, (_, i) => guest(`Twin ${i}`)))
      const shipping = { name: 'T', email: 't@example.com', address: '3 Side Street' }
      const results = await Promise.all(buyers.map(({ token }, i) => {
        const init = { method: 'POST', headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` }, body: JSON.stringify({ items: [{ productId: product.id, quantity: 1 }], shipping }) }
        return i % 2 ? fetch(`${second.baseURL}/api/orders`, init).then(r => r.status) : api('/api/orders', { token, body: JSON.parse(init.body) }).then(r => r.status)
      }))
      expect(results.filter(status => status === 201)).toHaveLength(1)
      expect(results.filter(status => status === 409)).toHaveLength(9)
      const seenBySecond = await (await fetch(`${second.baseURL}/api/products/${product.id}`)).json() as { product: { stock: number } }
      expect(seenBySecond.product.stock).toBe(0)
      const orders = await api('/api/orders', { token: adminToken() })
      expect(orders.body.items.filter((o: { items: { productId: string }[] }) => o.items[0]!.productId === product.id)).toHaveLength(1)
    }
    finally {
      await second.stop({ keepData: true })
    }
  })
})
