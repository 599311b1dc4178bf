// npm run backup / restore (PROTOCOL.md, "Operations") against a running server on the embedded
// store: a backup taken while customers keep ordering restores into a fresh folder where a new
// server finds every order acknowledged before the backup began; a damaged backup, or a target
// that is not empty, is refused with nothing changed.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { LOOPBACK_LIMITS, runScript, startServer, type RunningServer } from '../support/server'

const servers: RunningServer[] = []
const scratch = mkdtempSync(join(tmpdir(), 'wrencos-backup-test-'))
afterAll(async () => {
  for (const server of servers.splice(0)) await server.stop()
  rmSync(scratch, { recursive: true, force: true })
})

/** `npm run <script> -- <folder>` as an operator runs it (node directly: npm adds nothing), on the data directory `dataDir`. */
const run = (script: 'backup' | 'restore', folder: string, dataDir: string) =>
  runScript(`deploy/backup/${script}.mjs`, [folder], { NUXT_DATA_DIR: dataDir, NUXT_MONGODB_URI: '' })

const shipping = { name: 'Ada Backup', email: 'ada@example.com', address: '1 Rue de la Paix, Paris' }

describe('backups', () => {
  it('taken while 20 customers order, restore into a fresh folder with every order acknowledged before they began, and a picture', { timeout: 120_000 }, async () => {
    // Customers who order as fast as they are answered: past the per-customer order limit, on purpose.
    const limits = JSON.parse(LOOPBACK_LIMITS.NUXT_RATE_LIMITS!)
    limits.order.perUser = { burst: 100_000, perSecond: 10_000 }
    const server = await startServer({ NUXT_MONGODB_URI: '', NUXT_RATE_LIMITS: JSON.stringify(limits) })
    servers.push(server)
    const base = server.baseURL
    const admin = (await api('/api/auth/login', { base, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token
    const { product } = (await api('/api/products', { base, token: admin, body: { name: 'Backup balm', priceCents: 900, currency: 'EUR', stock: 100_000 } })).body
    const { livestream } = (await api('/api/livestreams', { base, token: admin, body: { title: 'Backed-up show', quality: '720p' } })).body
    const poster = new FormData()
    poster.append('livestreamId', livestream.id)
    poster.append('thumbnail', new Blob([new Uint8Array([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ...Array.from({ length: 300 }, (_, i) => i % 251)])], { type: 'image/png' }), 'poster.png')
    const { thumbnailUrl } = (await api('/api/uploads/thumbnail', { base, token: admin, raw: poster })).body
    const customers = await Promise.all(Array.from({ length: 20 }, (_, n) => api('/api/auth/guest', { base, body: { displayName: `Buyer ${n}` } }).then(answer => answer.body.token as string)))

    // Each customer orders again as soon as the last order is answered, until told to stop.
    const acknowledged: { id: string, at: number }[] = []
    let ordering = true
    const buyers = customers.map(async (token) => {
      while (ordering) {
        const answer = await api('/api/orders', { base, token, body: { items: [{ productId: product.id, quantity: 1 }], shipping } })
        if (answer.status === 201) acknowledged.push({ id: answer.body.order.id, at: Date.now() })
        else await new Promise(resolve => setTimeout(resolve, 50))
      }
    })
    await new Promise(resolve => setTimeout(resolve, 1500))
    const backup = join(scratch, 'backup-1')
    const began = Date.now()
    const backedUp = await run('backup', backup, server.dataDir)
    await new Promise(resolve => setTimeout(resolve, 500))
    ordering = false
    await Promise.all(buyers)
    expect(backedUp.code, backedUp.output).toBe(0)
    const before = acknowledged.filter(order => order.at < began)
    expect(before.length).toBeGreaterThan(20)
    // Orders went on while it ran: the backup did not stop the shop.
    expect(acknowledged.filter(order => order.at > began).length).toBeGreaterThan(0)
    const manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8'))
    expect(manifest).toMatchObject({ format: 'wrencos-backup/1', store: 'sqlite' })
    expect(manifest.files.map((file: { path: string }) => file.path)).toEqual(expect.arrayContaining(['wrencos.sqlite', `uploads${thumbnailUrl.replace('/uploads', '')}`]))
    expect(existsSync(`${backup}.partial`)).toBe(false)

    // A fresh folder, a new server on it: every order acknowledged before the backup began is there, and the picture.
    const restoredDir = join(scratch, 'restored')
    const restored = await run('restore', backup, restoredDir)
    expect(restored.code, restored.output).toBe(0)
    const again = await startServer({ NUXT_MONGODB_URI: '' }, { dataDir: restoredDir })
    servers.push(again)
    const adminAgain = (await api('/api/auth/login', { base: again.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token
    const kept = new Set(((await api('/api/orders', { base: again.baseURL, token: adminAgain })).body.items as { id: string }[]).map(order => order.id))
    for (const order of before) expect(kept.has(order.id), order.id).toBe(true)
    // No torn order: the stock taken is the orders kept.
    const stock = (await api(`/api/products/${product.id}`, { base: again.baseURL })).body.product.stock
    expect(100_000 - stock).toBe(kept.size)
    const picture = await fetch(`${again.baseURL}${thumbnailUrl}`)
    expect(picture.status).toBe(200)
    expect(Buffer.from(await picture.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4E, 0x47]))

    // Into a folder that is not empty: refused, nothing touched.
    const busy = join(scratch, 'busy')
    mkdirSync(busy)
    writeFileSync(join(busy, 'keep.txt'), 'mine')
    const intoBusy = await run('restore', backup, busy)
    expect(intoBusy.code).toBe(1)
    expect(intoBusy.output).toContain('is not empty')
    expect(readdirSync(busy)).toEqual(['keep.txt'])

    // A damaged backup (one byte of the database changed): refused before anything is written.
    const damaged = join(scratch, 'damaged')
    expect((await run('backup', damaged, restoredDir)).code).toBe(0)
    const database = readFileSync(join(damaged, 'wrencos.sqlite'))
    database[database.length - 10] = database[database.length - 10]! ^ 0xFF
    writeFileSync(join(damaged, 'wrencos.sqlite'), database)
    const fromDamaged = await run('restore', damaged, join(scratch, 'from-damaged'))
    expect(fromDamaged.code).toBe(1)
    expect(fromDamaged.output).toContain('wrencos.sqlite does not match its checksum')
    expect(existsSync(join(scratch, 'from-damaged'))).toBe(false)
    // And a backup is never written over another.
    expect((await run('backup', backup, server.dataDir)).output).toContain('is not empty')
  })
})
