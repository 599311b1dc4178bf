import { describe, expect, it } from 'vitest'
import { replaySecondsAt } from '../../shared/utils/replay-time'
import { adminToken, api, createProduct, createStream } from '../support/api'
import { adminContext, screenshot, useChromium, watchedPage } from '../support/browser'
import { crashTab, endShow, expectSeekableReplay, goLive, livestreamOf, openConsole, startCamera, waitForSavedParts } from '../support/studio'

// Each test is a dozen browser steps, each with its own bounded wait; under the load of a full
// run their sum once passed the default 60 s, so these two get twice that.
describe('a studio tab that dies mid-show (Chromium, fake camera)', () => {
  const chromium = useChromium()

  /** A show that went live and had two recording parts saved, whose only studio tab then crashed. */
  async function showWhoseTabDied(title: string) {
    const stream = await createStream({ title, quality: '480p' })
    const context = await adminContext(chromium())
    const first = await context.newPage()
    await openConsole(first, stream.id)
    await startCamera(first)
    await goLive(first)
    await waitForSavedParts(first, 2)
    await crashTab(first)
    return { stream, context }
  }

  it('keeps what was sent; the host resumes in a new tab, ends, and the replay holds both parts', async () => {
    const { stream, context } = await showWhoseTabDied(`Crash test ${Date.now()}`)
    const firstPartSeconds = (Date.now() - Date.parse((await livestreamOf(stream.id)).startTime)) / 1000
    const kept = (await api(`/api/livestreams/${stream.id}/recording`, { token: adminToken() })).body
    expect(kept.chunks).toBeGreaterThanOrEqual(2)
    expect(kept.missing).toEqual([])
    expect((await livestreamOf(stream.id)).status).toBe('live')

    const { page, problems } = await watchedPage(context)
    await openConsole(page, stream.id)
    await expect.poll(() => page.getByTestId('broadcast-state').textContent()).toContain('not sending from this tab')
    await expect.poll(() => page.getByTestId('recording-status').textContent()).toContain(`+ ${kept.chunks} kept from before`)
    await screenshot(page, 'studio-after-crash')
    // The host takes a while to come back: nothing is recorded meanwhile, and the replay has no gap.
    await page.waitForTimeout(4000)
    await startCamera(page)
    const resumedAt = Date.now()
    await goLive(page, 'Resume broadcast')
    await page.waitForTimeout(2000)
    const product = await createProduct({ name: `Crash test lipstick ${Date.now()}` })
    const pinned = await api(`/api/livestreams/${stream.id}/pin-product`, { token: adminToken(), body: { productId: product.id, pinned: true } })
    expect(pinned.status).toBe(200)
    const pinnedAfterResume = (Date.now() - resumedAt) / 1000
    await waitForSavedParts(page, 2)
    const secondPartSeconds = (Date.now() - resumedAt) / 1000
    await endShow(page)
    const duration = await expectSeekableReplay(page, firstPartSeconds + secondPartSeconds)
    // The replay is longer than either part alone: both were joined onto one timeline.
    expect(duration).toBeGreaterThan(Math.max(kept.chunks * 2 - 2, secondPartSeconds))
    const saved = await livestreamOf(stream.id)
    expect(saved.videoUrl).toMatch(/\.webm$/)

    // The product pinned after the comeback is, in the replay, where the second part has it: the
    // first part's length plus the time since resuming, not its time since go-live (4 s and more later).
    expect(saved.replayRuns).toHaveLength(2)
    expect(saved.replayRuns[0].at).toBe(saved.startTime)
    const [pin] = (await api(`/api/livestreams/${stream.id}/pins`)).body.items
    const inReplay = replaySecondsAt(saved.replayRuns, pin.pinnedAt)
    const expected = saved.replayRuns[1].replaySeconds + pinnedAfterResume
    expect(Math.abs(inReplay - expected), JSON.stringify({ runs: saved.replayRuns, pin, inReplay, expected })).toBeLessThan(1.5)
    const sinceGoLive = (Date.parse(pin.pinnedAt) - Date.parse(saved.startTime)) / 1000
    expect(sinceGoLive - inReplay).toBeGreaterThan(4)
    expect(inReplay).toBeLessThan(duration)
    expect(problems()).toEqual([])
    await context.close()
  }, 120_000)

  it('a show whose only tab died is saved from the studio after it is ended', async () => {
    const { stream, context } = await showWhoseTabDied(`Abandoned show ${Date.now()}`)

    const { page, problems } = await watchedPage(context)
    await openConsole(page, stream.id)
    await endShow(page)
    await expectSeekableReplay(page, 4)
    expect(problems()).toEqual([])
    await context.close()
  }, 120_000)
})
