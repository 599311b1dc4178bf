// The studio's webhook log in Chromium: a delivery a receiver refuses shows as pending with its
// answer; once the receiver is fixed, "Send again" delivers it and the log says so.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { adminContext, appURL, screenshot, useAppServer, useChromium } from '../support/browser'
import { startServer, type RunningServer } from '../support/server'

let server: RunningServer
let receiver: Server
let answer = 500
let admin: string
beforeAll(async () => {
  receiver = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      response.statusCode = answer
      response.end()
    })
  })
  await new Promise<void>(resolve => receiver.listen(0, '127.0.0.1', resolve))
  const port = (receiver.address() as AddressInfo).port
  // A long first wait, so the log shows the refused delivery until it is sent again by hand.
  server = await startServer({ NUXT_WEBHOOK_URLS: `http://127.0.0.1:${port}/hooks`, NUXT_WEBHOOK_SECRET: 'e2e-secret', NUXT_WEBHOOK_BACKOFF_MS: '600000' })
  admin = (await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token
  useAppServer({ baseURL: server.baseURL, adminToken: admin })
})
afterAll(async () => {
  await server?.stop()
  await new Promise(resolve => receiver?.close(resolve))
})

describe('the studio\'s webhook log', () => {
  const chromium = useChromium()

  it('shows a refused delivery with its answer, and "Send again" delivers it', { timeout: 60_000 }, async () => {
    const { livestream } = (await api('/api/livestreams', { base: server.baseURL, token: admin, body: { title: 'Webhook show', quality: '480p' } })).body
    await api(`/api/livestreams/${livestream.id}/start`, { base: server.baseURL, method: 'POST', token: admin })
    const context = await adminContext(chromium())
    const page = await context.newPage()
    const row = page.getByTestId('webhook-log').locator('tr', { hasText: 'livestream.started' })
    await expect.poll(async () => {
      await page.goto(appURL('/studio'), { waitUntil: 'networkidle' })
      return row.textContent()
    }, { timeout: 15_000 }).toContain('HTTP 500')
    expect(await row.textContent()).toContain('pending')

    answer = 204
    await row.getByRole('button', { name: 'Send again' }).click()
    await expect.poll(async () => {
      await page.getByTestId('webhook-log').getByRole('button', { name: 'Refresh' }).click()
      return row.textContent()
    }, { timeout: 15_000 }).toContain('delivered')
    expect(await row.textContent()).toContain('204')
    await screenshot(page, 'studio-webhooks')
    await context.close()
  })
})
