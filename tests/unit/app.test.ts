// The app assembled outside Nitro: what it puts right at start, and readiness while draining.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startApp } from '../../server/app'

const config = () => ({ dataDir: mkdtempSync(join(tmpdir(), 'wrencos-app-')), mongodbUri: '', redisUrl: '', adminEmail: '', adminPassword: '', demoData: false })

describe('the app', () => {
  it('is ready when its parts answer, and not from the moment it drains (before its sockets close)', async () => {
    const app = await startApp(config())
    expect(await app.readiness()).toEqual({ ready: true, draining: false, checks: { store: true, bus: true, media: true } })
    app.drain()
    expect(await app.readiness()).toMatchObject({ ready: false, draining: true })
    await app.close()
  })
})
