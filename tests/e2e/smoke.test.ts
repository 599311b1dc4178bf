import { describe, expect, it, inject } from 'vitest'
import { createStream } from '../support/api'
import { appURL, screenshot, useChromium, watchedPage } from '../support/browser'

describe('the app in Chromium', () => {
  const chromium = useChromium()

  it('home shows a scheduled show under Upcoming, without errors or hydration mismatches', async () => {
    // A show of this test's own: other test files create shows in parallel on the same server.
    const title = `Smoke show ${Date.now()}`
    await createStream({ title, scheduledAt: new Date(Date.now() + 3600_000).toISOString() })
    const context = await chromium().newContext({ viewport: { width: 1280, height: 800 } })
    const { page, problems } = await watchedPage(context)
    const response = await page.goto(appURL('/'), { waitUntil: 'networkidle' })
    expect(response?.status()).toBe(200)
    await expect.poll(() => page.getByRole('heading', { name: 'Upcoming' }).isVisible()).toBe(true)
    const upcoming = page.locator('section', { has: page.getByRole('heading', { name: 'Upcoming' }) })
    await expect.poll(() => upcoming.getByText(title).isVisible()).toBe(true)
    await screenshot(page, 'home-desktop')
    await page.getByText(title).click()
    await page.waitForURL(/\/live\/[0-9a-f]{24}$/)
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(title)
    expect(problems()).toEqual([])
    await context.close()
  })

  it('the studio sends a visitor to sign in, then lets the admin in', async () => {
    const context = await chromium().newContext({ viewport: { width: 390, height: 844 } })
    const { page, problems } = await watchedPage(context)
    await page.goto(appURL('/studio'), { waitUntil: 'networkidle' })
    expect(new URL(page.url()).pathname).toBe('/login')
    await page.getByLabel('Email').fill(inject('adminEmail'))
    await page.getByLabel('Password').fill('wrong password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('do not match')
    await page.getByLabel('Password').fill(inject('adminPassword'))
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(/\/studio$/)
    await expect.poll(() => page.getByRole('heading', { name: 'Products' }).isVisible()).toBe(true)
    await expect.poll(() => page.getByText('Dewy Glow Serum').isVisible()).toBe(true)
    // The demo products come with their pictures, served from public/demo/.
    const serum = page.locator('img[src="/demo/serum.svg"]').first()
    await expect.poll(() => serum.evaluate((image: HTMLImageElement) => image.complete ? image.naturalWidth : 0)).toBeGreaterThan(0)
    await screenshot(page, 'studio-phone')
    // A 401 from the failed sign-in is expected in the console; nothing else is.
    expect(problems().filter(problem => !problem.includes('401'))).toEqual([])
    await context.close()
  })
})
