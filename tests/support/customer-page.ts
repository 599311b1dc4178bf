// A customer's steps on /live/:id, as a shopper would take them, for the e2e tests.
import type { BrowserContext, Page } from 'playwright'
import { expect } from 'vitest'
import { appURL, openHydrated, watchedPage } from './browser'

/**
 * `waitUntil`: 'hydrated' (the default) for a test that goes on to use the page; 'commit' for one
 * that times what a customer sees, which a page still fetching (HLS segments, say) must not hold up.
 */
export async function openLivePage(context: BrowserContext, livestreamId: string, { waitUntil = 'hydrated' }: { waitUntil?: 'hydrated' | 'commit' } = {}) {
  const watched = await watchedPage(context)
  if (waitUntil === 'hydrated') await openHydrated(watched.page, `/live/${livestreamId}`)
  else await watched.page.goto(appURL(`/live/${livestreamId}`), { waitUntil })
  return watched
}

/**
 * Video arrives: the element has a size and decodes new frames. (Its clock alone proves nothing:
 * a live stream's currentTime runs on over a frozen last frame. Presented frames are no measure
 * either: headless Chromium paints only the foremost page at full rate.)
 */
export async function expectLiveVideo(page: Page, timeout = 15_000) {
  const video = page.getByTestId('live-video')
  await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.videoWidth), { timeout }).toBeGreaterThan(0)
  const decodesFrames = () => video.evaluate((element: HTMLVideoElement) => new Promise<boolean>((resolve) => {
    const before = element.getVideoPlaybackQuality().totalVideoFrames
    setTimeout(() => resolve(element.getVideoPlaybackQuality().totalVideoFrames >= before + 5), 1000)
  }))
  await expect.poll(decodesFrames, { timeout }).toBe(true)
}

/** Answers the name prompt the first time a customer chats, hearts or checks out. */
export async function giveName(page: Page, name: string) {
  await page.getByLabel('Your name in the chat').fill(name)
  await page.getByRole('button', { name: 'Join the chat' }).click()
  await expect.poll(() => page.getByText(`Chatting as ${name}`).isVisible()).toBe(true)
}

export async function chat(page: Page, message: string) {
  await page.getByLabel('Message').fill(message)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}
