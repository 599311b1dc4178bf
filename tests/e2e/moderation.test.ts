// Moderation in Chromium: a moderator signs in on a phone and deletes a customer's line, which
// leaves three customers' pages and the replay; the host bans a spammer from the console, and the
// spammer signing in again as a new guest still cannot chat. Screenshots: the moderation view on a
// phone and on a desktop.
import type { BrowserContext, Page } from 'playwright'
import { describe, expect, it } from 'vitest'
import { adminToken, api, liveStream } from '../support/api'
import { adminContext, appURL, hydrated, screenshot, useChromium, watchedPage } from '../support/browser'
import { chat, giveName, openLivePage } from '../support/customer-page'
import { haveFfmpeg } from '../support/media-source'
import { uploadReplay } from '../support/replay'
import { openConsole } from '../support/studio'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
const chatText = (page: Page) => page.getByTestId('chat-list').textContent()
const lineOf = (page: Page, text: string) => page.getByTestId('chat-line').filter({ hasText: text })

describe('moderation in the browser', () => {
  const chromium = useChromium()

  it('a moderator on a phone deletes a line for three customers and the replay; a banned guest stays banned as a new guest', { timeout: 180_000 }, async () => {
    const stream = await liveStream()
    const email = `phone-mod-${Date.now()}@example.com`
    expect((await api('/api/moderators', { token: adminToken(), body: { email, password: 'moderate-well', displayName: 'Maya (mod)' } })).status).toBe(201)

    const contexts: BrowserContext[] = []
    const customers = await Promise.all(['Ann', 'Bea', 'Spam Bot'].map(async (name) => {
      const context = await chromium().newContext({ viewport: { width: 1280, height: 800 } })
      contexts.push(context)
      const { page, problems } = await openLivePage(context, stream.id)
      return { name, context, page, problems }
    }))
    const [ann, bea, spammer] = customers as [typeof customers[0], typeof customers[0], typeof customers[0]]

    // The moderator signs in on a phone and lands on the shows to moderate.
    const phone = await chromium().newContext(PHONE)
    contexts.push(phone)
    const { page: mod, problems: modProblems } = await watchedPage(phone)
    await mod.goto(appURL('/login'), { waitUntil: 'networkidle' })
    await mod.getByLabel('Email').fill(email)
    await mod.getByLabel('Password').fill('moderate-well')
    await mod.getByRole('button', { name: 'Sign in' }).click()
    await mod.waitForURL(/\/moderate$/)
    await mod.locator(`a[href="/moderate/${stream.id}"]`).click()
    await mod.waitForURL(new RegExp(`/moderate/${stream.id}$`))
    await expect.poll(() => mod.getByText('Moderating').isVisible()).toBe(true)

    // Everyone talks; everyone sees every line.
    await chat(ann.page, 'Is the serum good for dry skin?')
    await giveName(ann.page, 'Ann')
    await chat(spammer.page, 'CHEAP FOLLOWERS cheap-followers dot biz')
    await giveName(spammer.page, 'Spam Bot')
    await chat(bea.page, 'Love this shade!')
    await giveName(bea.page, 'Bea')
    for (const page of [ann.page, bea.page, spammer.page, mod]) {
      await expect.poll(() => chatText(page)).toContain('Love this shade!')
      expect(await chatText(page)).toContain('CHEAP FOLLOWERS')
    }
    await screenshot(mod, 'moderation-phone')

    // The moderator taps Delete on the spam line: it leaves every page at once.
    await lineOf(mod, 'CHEAP FOLLOWERS').getByTestId('delete-line').tap()
    for (const page of [ann.page, bea.page, spammer.page, mod]) await expect.poll(() => chatText(page)).not.toContain('CHEAP FOLLOWERS')
    expect(await chatText(ann.page)).toContain('Is the serum good for dry skin?')
    // The record says who did it, on the Rules tab.
    await mod.getByRole('button', { name: 'Rules' }).tap()
    await expect.poll(() => mod.getByTestId('action-log').textContent()).toContain('Maya (mod) deleted a message from Spam Bot')

    // The spammer comes back; the host bans them from the console (desktop).
    await chat(spammer.page, 'FOLLOWERS again, visit my profile')
    const host = await adminContext(chromium())
    contexts.push(host)
    const { page: studio } = await watchedPage(host)
    await openConsole(studio, stream.id)
    await expect.poll(() => chatText(studio)).toContain('FOLLOWERS again')
    studio.on('dialog', dialog => void dialog.accept())
    await lineOf(studio, 'FOLLOWERS again').getByTestId('more-actions').click()
    await studio.getByTestId('ban-user').click()
    for (const page of [ann.page, bea.page, studio]) await expect.poll(() => chatText(page)).not.toContain('FOLLOWERS again')
    await mod.getByRole('button', { name: /People/ }).tap()
    await expect.poll(() => mod.getByTestId('restrictions').textContent()).toContain('Spam Bot')
    await chat(spammer.page, 'let me back in')
    await expect.poll(() => spammer.page.getByRole('status').allTextContents()).toContainEqual(expect.stringMatching(/removed from this show/))

    // A new guest from the same browser: signed out (the sign-in cookie gone, as "sign out" does), a new name.
    await spammer.context.clearCookies({ name: 'wrencos_token' })
    await spammer.page.reload({ waitUntil: 'networkidle' })
    await hydrated(spammer.page)
    await chat(spammer.page, 'totally new person here')
    await giveName(spammer.page, 'Fresh Face')
    await expect.poll(() => spammer.page.getByRole('status').allTextContents()).toContainEqual(expect.stringMatching(/removed from this show/))
    await new Promise(resolve => setTimeout(resolve, 500))
    for (const page of [ann.page, bea.page]) expect(await chatText(page)).not.toContain('totally new person here')

    // The moderation view on a desktop, with its record.
    const desk = await chromium().newContext({ viewport: { width: 1280, height: 900 } })
    contexts.push(desk)
    await desk.addCookies(await phone.cookies())
    const { page: modDesk } = await watchedPage(desk)
    await modDesk.goto(appURL(`/moderate/${stream.id}`), { waitUntil: 'networkidle' })
    await expect.poll(() => modDesk.getByTestId('restrictions').textContent()).toContain('Spam Bot')
    await expect.poll(() => modDesk.getByTestId('action-log').textContent()).toContain('banned Spam Bot')
    await screenshot(modDesk, 'moderation-desktop')

    // After the show: the replay's chat has the kept lines and not the deleted ones.
    expect((await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', token: adminToken() })).status).toBe(200)
    if (haveFfmpeg) {
      await uploadReplay(stream.id, 180)
      await ann.page.reload({ waitUntil: 'networkidle' })
      const replay = ann.page.getByTestId('replay-video')
      await replay.waitFor({ timeout: 30_000 })
      await replay.evaluate((video: HTMLVideoElement) => new Promise<void>((resolve) => {
        const seek = () => {
          video.addEventListener('seeked', () => resolve(), { once: true })
          video.currentTime = video.duration - 0.5
        }
        if (video.readyState >= 1) seek()
        else video.addEventListener('loadedmetadata', seek, { once: true })
      }))
      await expect.poll(() => chatText(ann.page)).toContain('Love this shade!')
      const text = await chatText(ann.page)
      expect(text).not.toContain('CHEAP FOLLOWERS')
      expect(text).not.toContain('FOLLOWERS again')
      await screenshot(ann.page, 'moderation-replay')
    }
    expect(modProblems()).toEqual([])
    for (const customer of customers) expect(customer.problems().filter(problem => !/403|Forbidden/.test(problem))).toEqual([])
    for (const context of contexts) await context.close()
  })
})
