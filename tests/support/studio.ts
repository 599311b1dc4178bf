// The host's steps in the broadcast console, as a presenter would take them, for the e2e tests.
import type { Page } from 'playwright'
import { expect } from 'vitest'
import { adminToken, api } from './api'
import { appURL } from './browser'
import { seekReplay } from './replay'

export async function openConsole(page: Page, livestreamId: string) {
  await page.goto(appURL(`/studio/${livestreamId}`), { waitUntil: 'networkidle' })
  await expect.poll(() => page.getByTestId('broadcast-state').isVisible(), { timeout: 10_000 }).toBe(true)
}

/** Decoded frames in a <video>: its size and how far it has played. */
export function videoState(page: Page, testId: string) {
  return page.getByTestId(testId).evaluate((video: HTMLVideoElement) => ({
    width: video.videoWidth, time: video.currentTime, duration: video.duration, paused: video.paused,
  }))
}

export async function startCamera(page: Page) {
  await page.getByRole('button', { name: 'Start camera' }).click()
  await expect.poll(async () => (await videoState(page, 'camera-preview')).width, { timeout: 10_000 }).toBeGreaterThan(0)
}

export async function goLive(page: Page, button: 'Go live' | 'Resume broadcast' = 'Go live') {
  await page.getByRole('button', { name: button }).click()
  await expect.poll(() => page.getByTestId('broadcast-state').textContent(), { timeout: 10_000 }).toMatch(/^\s*Live · \d+:\d\d\s*$/)
}

/** The host opens the console, starts the camera and goes live: where most browser tests begin. */
export async function hostGoesLive(page: Page, livestreamId: string) {
  await openConsole(page, livestreamId)
  await startCamera(page)
  await goLive(page)
}

/** Waits until the console reports at least `parts` recording parts acknowledged by the server. */
export async function waitForSavedParts(page: Page, parts: number) {
  await expect.poll(async () => Number((await page.getByTestId('recording-status').textContent())?.match(/(\d+) parts saved/)?.[1] ?? 0), {
    timeout: 20_000, interval: 250,
  }).toBeGreaterThanOrEqual(parts)
}

export async function endShow(page: Page) {
  await page.getByRole('button', { name: 'End show' }).click()
  await page.getByRole('button', { name: 'Yes, end the show' }).click()
}

/**
 * Waits for the console to say the replay is saved: the last parts uploaded, then joined by the
 * server, which on a busy machine takes a while. When it does not come, the failure says where the
 * console and the server stopped, not only that an element never showed.
 */
export async function expectReplaySaved(page: Page, livestreamId: string, timeout = 60_000) {
  try {
    await expect.poll(() => page.getByTestId('replay-state').textContent().catch(() => ''), { timeout, interval: 250 }).toContain('Replay saved')
  }
  catch (error) {
    const said = await page.locator('[data-testid="broadcast-state"], [data-testid="recording-status"], [data-testid="replay-state"], [role="alert"]').allTextContents()
    const kept = (await api(`/api/livestreams/${livestreamId}/recording`, { token: adminToken() })).body
    throw new Error(`no replay saved within ${timeout} ms: the console said ${JSON.stringify(said)}, the server holds ${JSON.stringify(kept)}`, { cause: error })
  }
}

/**
 * Checks the replay the after-show view plays: a known duration near `expectedSeconds`, and a seek
 * to its middle that lands there with a frame to show.
 */
export async function expectSeekableReplay(page: Page, expectedSeconds: number) {
  await expect.poll(() => page.getByTestId('replay-state').textContent(), { timeout: 30_000 }).toContain('seekable')
  const replay = page.getByTestId('replay-video')
  const duration = await replay.evaluate((video: HTMLVideoElement) => video.duration)
  expect(Number.isFinite(duration)).toBe(true)
  expect(duration).toBeGreaterThan(expectedSeconds * 0.6)
  expect(duration).toBeLessThan(expectedSeconds * 1.4 + 2)
  await seekReplay(replay, 0.5)
  return duration
}

export async function livestreamOf(id: string) {
  return (await api(`/api/livestreams/${id}`)).body.livestream
}

/**
 * Kills the tab's renderer: no unload handler runs, no last chunk leaves, the server is told
 * nothing. Should the crash event not come (seen once in a full run), the tab is closed without
 * its unload handlers instead, which leaves the server in the same state.
 */
export async function crashTab(page: Page) {
  const crashed = new Promise<boolean>(resolve => page.once('crash', () => resolve(true)))
  // The command never answers: the page it would answer from is gone.
  void (await page.context().newCDPSession(page)).send('Page.crash').catch(() => {})
  const timedOut = new Promise<boolean>(resolve => setTimeout(() => resolve(false), 5000))
  if (!(await Promise.race([crashed, timedOut]))) {
    console.warn('no crash event within 5 s: closing the tab without unload handlers')
    await page.close({ runBeforeUnload: false })
  }
}
