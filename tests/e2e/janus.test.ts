// janus mode in Chromium: the studio publishes into Janus's VideoRoom, customers watch its
// Streaming mountpoints through our WHEP, on one process or another, and the show lives through
// Janus going away. A Janus of this file's own (Debian's package, deploy/janus/start).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { adminContext, screenshot, useAppServer, useChromium, watchedPage } from '../support/browser'
import { expectLiveVideo } from '../support/customer-page'
import { haveJanus, startJanus, type RunningJanus } from '../support/janus'
import { customer, endWithReplay, growAudience, keepConnections, lateViewerFirstFrame } from '../support/media-pages'
import { haveRedis, REDIS_URL } from '../support/redis'
import { startServer, type RunningServer } from '../support/server'
import { endShow, hostGoesLive } from '../support/studio'

let janus: RunningJanus
let server: RunningServer
let adminToken: string
const secret = `janus-e2e-${Math.random().toString(36).slice(2)}`
beforeAll(async () => {
  if (!haveJanus) return
  janus = await startJanus()
  server = await startServer({ ...janus.env, NUXT_JWT_SECRET: secret, ...(haveRedis ? { NUXT_REDIS_URL: REDIS_URL } : {}) })
  adminToken = (await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token
  useAppServer({ baseURL: server.baseURL, adminToken })
})
afterAll(async () => {
  await server?.stop()
  await janus?.stop()
})

async function show(title: string) {
  return (await api('/api/livestreams', { base: server.baseURL, token: adminToken, body: { title, quality: '480p' } })).body.livestream as { id: string }
}

describe.skipIf(!haveJanus)('janus mode (Chromium, fake camera)', () => {
  const chromium = useChromium()

  it('carries the studio\'s one upload to three customers and a late one, and records the replay', async () => {
    const { id } = await show(`Janus show ${Date.now()}`)
    const host = await adminContext(chromium())
    await keepConnections(host)
    const { page: studio, problems: studioProblems } = await watchedPage(host)
    await hostGoesLive(studio, id)
    const wentLive = Date.now()

    const audience = await chromium().newContext()
    await keepConnections(audience)
    const { viewers, uploads: [withOne = 0, withThree = 0] } = await growAudience(audience, studio, id, [1, 3])
    expect(withOne).toBeGreaterThan(100_000)
    expect(withThree / withOne).toBeLessThan(1.6)
    await screenshot(viewers[0]!.page, 'janus-live')

    const late = await customer(audience, id)
    await expectLiveVideo(late.page)
    const sinceAnswer = await lateViewerFirstFrame(late.page)
    console.info(`janus: host video upload ${Math.round(withOne / 1000)} / ${Math.round(withThree / 1000)} kbit/s with 1 / 3 viewers; late viewer's first frame ${Math.round(sinceAnswer)} ms after its WHEP answer`)
    expect(sinceAnswer).toBeGreaterThan(0)
    expect(sinceAnswer).toBeLessThan(1000)
    await late.page.close()

    await studio.waitForTimeout(2000)
    await endWithReplay(studio, studioProblems, viewers, wentLive)
    await audience.close()
    await host.close()
  }, 180_000)

  it.skipIf(!haveRedis)('a customer who came in through another process watches the host who publishes through this one', async () => {
    const other = await startServer({ ...janus.env, NUXT_JWT_SECRET: secret, NUXT_REDIS_URL: REDIS_URL, NUXT_ADMIN_EMAIL: server.env.NUXT_ADMIN_EMAIL!, NUXT_ADMIN_PASSWORD: server.env.NUXT_ADMIN_PASSWORD! }, { dataDir: server.dataDir })
    try {
      const { id } = await show(`Two processes ${Date.now()}`)
      const host = await adminContext(chromium())
      const { page: studio } = await watchedPage(host)
      await hostGoesLive(studio, id)
      const audience = await chromium().newContext()
      await keepConnections(audience)
      const { page, problems } = await customer(audience, id, other.baseURL)
      expect(new URL(page.url()).port).toBe(String(other.port))
      await expectLiveVideo(page)
      await page.waitForTimeout(1500)
      await expectLiveVideo(page)
      expect(problems()).toEqual([])
      await endShow(studio)
      await expect.poll(() => page.getByTestId('replay-video').isVisible(), { timeout: 30_000 }).toBe(true)
      await audience.close()
      await host.close()
    }
    finally {
      await other.stop({ keepData: true })
    }
  }, 180_000)

  // Last in this file: it kills the Janus the others share.
  it('lives through Janus going away: customers see "reconnecting", and the show resumes when Janus is back', async () => {
    const { id } = await show(`Janus goes away ${Date.now()}`)
    const host = await adminContext(chromium())
    const { page: studio } = await watchedPage(host)
    await hostGoesLive(studio, id)
    const audience = await chromium().newContext()
    await keepConnections(audience)
    const { page } = await customer(audience, id)
    await expectLiveVideo(page)
    await page.waitForTimeout(2000)

    await janus.kill()
    await expect.poll(() => page.getByText('The host is reconnecting').isVisible(), { timeout: 15_000 }).toBe(true)
    await page.waitForTimeout(2000)
    await janus.restart()
    // Nobody reloads: the studio publishes again and the customer's page watches again, by themselves.
    await expectLiveVideo(page, 45_000)
    await expect.poll(() => page.getByText('The host is reconnecting').isVisible(), { timeout: 15_000 }).toBe(false)
    await expect.poll(() => studio.getByTestId('broadcast-state').textContent(), { timeout: 20_000 }).toMatch(/^\s*Live · \d+:\d\d\s*$/)
    expect(server.process.exitCode).toBeNull()
    await page.waitForTimeout(3000)

    await endShow(studio)
    await expect.poll(() => studio.getByTestId('replay-state').textContent(), { timeout: 30_000 }).toContain('seekable')
    const { replayRuns } = (await api(`/api/livestreams/${id}`, { base: server.baseURL })).body.livestream as { replayRuns: { lengthSeconds: number }[] }
    expect(replayRuns.length).toBeGreaterThanOrEqual(2)
    await audience.close()
    await host.close()
  }, 180_000)
})
