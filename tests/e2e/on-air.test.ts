// On air in Chromium: the admin opens a giveaway and a moderator starts a poll from the moderation
// view; three customers on phones see the poll, and its bars move on every phone as they vote; a
// customer's question, pinned by the moderator, appears over the video; customers enter the
// giveaway by its button and by its keyword in chat, and the winners' phones say so; the replay
// shows the poll's final bars at its moment.
// Screenshots: a phone with the poll and the pinned question, the moderation view's panel.
import type { BrowserContext, Page } from 'playwright'
import { describe, expect, it } from 'vitest'
import { adminToken, api, liveStream } from '../support/api'
import { adminContext, appURL, screenshot, useChromium, watchedPage } from '../support/browser'
import { chat, giveName, openLivePage } from '../support/customer-page'
import { uploadReplay } from '../support/replay'

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
const shares = (page: Page) => page.getByTestId('poll-bar').evaluateAll(bars => bars.map(bar => Number(bar.getAttribute('data-share'))))

describe('on air in the browser', () => {
  const chromium = useChromium()

  it('a moderator\'s poll moves on three phones as they vote; a pinned question shows over the video; a giveaway is entered and drawn', { timeout: 150_000 }, async () => {
    const stream = await liveStream()
    const email = `on-air-mod-${Date.now()}@example.com`
    expect((await api('/api/moderators', { token: adminToken(), body: { email, password: 'moderate-well', displayName: 'Maya (mod)' } })).status).toBe(201)
    const modToken = (await api('/api/auth/login', { body: { email, password: 'moderate-well' } })).body.token as string
    const contexts: BrowserContext[] = []

    // The admin opens the giveaway first: its entry window (30 s at least) runs while the rest happens.
    const host = await adminContext(chromium())
    contexts.push(host)
    const { page: studio } = await watchedPage(host)
    await studio.goto(appURL(`/moderate/${stream.id}`), { waitUntil: 'networkidle' })
    const hostPanel = studio.getByTestId('on-air-panel')
    await hostPanel.getByLabel('Prize').fill('The full Glow set')
    await hostPanel.getByLabel('Chat keyword (optional)').fill('glow')
    await hostPanel.getByLabel('Entries open for').selectOption('30')
    await hostPanel.getByRole('button', { name: 'Open entries' }).click()
    await expect.poll(() => hostPanel.getByTestId('running-giveaway').textContent()).toContain('The full Glow set')

    const phones = await Promise.all(['Ann', 'Bea', 'Cleo'].map(async (name) => {
      const context = await chromium().newContext(PHONE)
      contexts.push(context)
      const { page, problems } = await openLivePage(context, stream.id)
      return { name, page, problems }
    }))
    const [ann, bea, cleo] = phones as [typeof phones[0], typeof phones[0], typeof phones[0]]

    const modContext = await chromium().newContext({ viewport: { width: 1280, height: 900 } })
    contexts.push(modContext)
    await modContext.addCookies([{ name: 'wrencos_token', value: modToken, url: appURL('/'), httpOnly: true }])
    const { page: mod, problems: modProblems } = await watchedPage(modContext)
    await mod.goto(appURL(`/moderate/${stream.id}`), { waitUntil: 'networkidle' })
    const panel = mod.getByTestId('on-air-panel')
    // A moderator runs polls and questions; giveaways are the brand's admins'.
    expect(await panel.getByLabel('Prize').count()).toBe(0)
    await panel.getByLabel('Poll question').fill('Which shade should we launch next?')
    await panel.getByLabel('Answer 1').fill('Coral Crush')
    await panel.getByLabel('Answer 2').fill('Berry Night')
    await panel.locator('select[name="pollSeconds"]').selectOption('0')
    await panel.getByRole('button', { name: 'Start poll' }).click()

    for (const phone of phones) {
      await expect.poll(() => phone.page.getByText('Which shade should we launch next?').isVisible(), { timeout: 10_000 }).toBe(true)
      expect(await shares(phone.page)).toEqual([0, 0])
    }
    // Ann taps an answer: she gives her name first, then her vote counts, and every phone's bars move.
    await ann.page.getByTestId('poll-option-0').tap()
    await giveName(ann.page, 'Ann')
    await ann.page.getByTestId('poll-option-0').tap()
    for (const phone of phones) await expect.poll(() => shares(phone.page), { timeout: 10_000 }).toEqual([100, 0])
    for (const phone of [bea, cleo]) {
      await phone.page.getByTestId('poll-option-1').tap()
      await giveName(phone.page, phone.name)
      await phone.page.getByTestId('poll-option-1').tap()
    }
    for (const phone of phones) await expect.poll(() => shares(phone.page), { timeout: 10_000 }).toEqual([33, 67])
    expect(await ann.page.getByTestId('poll-option-0').getAttribute('aria-pressed')).toBe('true')
    await expect.poll(() => panel.getByTestId('running-poll').textContent()).toContain('3 votes')

    // Bea asks; the moderator pins it; it shows over the video on every phone.
    await bea.page.getByRole('textbox', { name: 'Ask the host' }).fill('Is Berry Night vegan?')
    await bea.page.getByRole('button', { name: 'Ask', exact: true }).tap()
    await expect.poll(() => bea.page.getByText('Sent to the host').textContent()).toContain('Is Berry Night vegan?')
    await expect.poll(() => panel.getByTestId('question-queue').textContent()).toContain('Is Berry Night vegan?')
    await panel.getByRole('button', { name: 'Pin the question from Bea' }).click()
    for (const phone of phones) {
      const pinned = phone.page.getByTestId('pinned-question')
      await expect.poll(() => pinned.textContent(), { timeout: 10_000 }).toContain('Is Berry Night vegan?')
      // Over the video: inside the player's box.
      const video = (await phone.page.getByTestId('live-video').boundingBox())!
      const box = (await pinned.boundingBox())!
      expect(box.y).toBeGreaterThanOrEqual(video.y)
      expect(box.y + box.height).toBeLessThanOrEqual(video.y + video.height + 1)
    }
    await screenshot(ann.page, 'on-air-phone')

    // The giveaway: Ann by its button, Cleo by the keyword in chat; Bea stays out.
    await ann.page.getByTestId('giveaway-enter').tap()
    await expect.poll(() => ann.page.getByTestId('giveaway-entered').isVisible()).toBe(true)
    await chat(cleo.page, 'GLOW')
    await expect.poll(() => cleo.page.getByTestId('giveaway-entered').isVisible(), { timeout: 10_000 }).toBe(true)
    await expect.poll(() => hostPanel.getByTestId('running-giveaway').textContent(), { timeout: 10_000 }).toContain('2 entered')
    await screenshot(mod, 'on-air-moderation')

    await panel.getByRole('button', { name: 'End poll' }).click()
    for (const phone of phones) await expect.poll(() => phone.page.getByText('Final results').isVisible()).toBe(true)

    // The window closes; the admin draws two winners: both entrants' phones say they won, Bea's does not.
    const draw = hostPanel.getByRole('button', { name: 'Draw' })
    await expect.poll(() => draw.isEnabled(), { timeout: 40_000, interval: 1000 }).toBe(true)
    await hostPanel.getByLabel('Winners').fill('2')
    await draw.click()
    for (const phone of [ann, cleo]) await expect.poll(() => phone.page.getByTestId('giveaway-won').isVisible(), { timeout: 10_000 }).toBe(true)
    await expect.poll(() => bea.page.getByText('Winners:').isVisible()).toBe(true)
    expect(await bea.page.getByTestId('giveaway-won').count()).toBe(0)
    expect(await hostPanel.getByTestId('giveaway-result').textContent()).toMatch(/Ann|Cleo/)

    // The replay shows the poll, with its final bars, at its moment.
    expect((await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', token: adminToken() })).status).toBe(200)
    await uploadReplay(stream.id, 90)
    const { livestream } = (await api(`/api/livestreams/${stream.id}`)).body
    const [poll] = (await api(`/api/livestreams/${stream.id}/on-air`)).body.polls
    const pollAt = (Date.parse(poll.startedAt) - Date.parse(livestream.startTime)) / 1000
    await ann.page.goto(appURL(`/live/${stream.id}?t=${Math.ceil(pollAt) + 1}`), { waitUntil: 'networkidle' })
    const replayPoll = ann.page.getByTestId('replay-polls')
    await expect.poll(() => replayPoll.textContent(), { timeout: 15_000 }).toContain('Which shade should we launch next?')
    expect(await replayPoll.textContent()).toContain('Final results')
    expect(await shares(ann.page)).toEqual([33, 67])
    // And the after-show analytics report them.
    await studio.goto(appURL(`/studio/${stream.id}`), { waitUntil: 'networkidle' })
    const report = studio.getByTestId('on-air-report')
    await expect.poll(() => report.textContent(), { timeout: 10_000 }).toContain('Which shade should we launch next? (3 votes)')
    expect(await report.textContent()).toMatch(/1 question asked, 0 answered\.[\s\S]*The full Glow set”: 2 entered; won by (Ann, Cleo|Cleo, Ann)/)

    for (const phone of phones) expect(phone.problems()).toEqual([])
    expect(modProblems()).toEqual([])
    for (const context of contexts) await context.close()
  })
})
