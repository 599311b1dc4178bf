// A customer's steps on /live/:id, as a shopper would take them, for the e2e tests.
import type { BrowserContext, Page } from 'playwright'
import { expect } from 'vitest'
import { appURL, watchedPage } from './browser'

export async function openLivePage(context: BrowserContext, livestreamId: string) {
  const watched = await watchedPage(context)
  await watched.page.goto(appURL(`/live/${livestreamId}`), { waitUntil: 'networkidle' })
  return watched
}

/** Decoded frames: the video has a size and its clock moves on. */
export async function expectLiveVideo(page: Page, timeout = 15_000) {
  const video = page.getByTestId('live-video')
  const state = () => video.evaluate((element: HTMLVideoElement) => ({ width: element.videoWidth, time: element.currentTime }))
  await expect.poll(async () => (await state()).width, { timeout }).toBeGreaterThan(0)
  const before = (await state()).time
  await expect.poll(async () => (await state()).time, { timeout: 5000 }).toBeGreaterThan(before + 0.3)
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
