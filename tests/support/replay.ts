// Playing and seeking a replay <video> from a test, bounded: a seek that never completes fails the
// test with what the player was doing instead of hanging it until the test's timeout.
import type { Locator } from 'playwright'
import { expect } from 'vitest'

/** Seeks to `fraction` of the duration; the seek is asked once more, as a viewer would click again. */
export async function seekReplay(replay: Locator, fraction: number) {
  const landed = await replay.evaluate(async (video: HTMLVideoElement, fraction: number) => {
    const target = video.duration * fraction
    const seekTo = () => Promise.race([
      new Promise((resolve) => {
        video.addEventListener('seeked', () => resolve(true), { once: true })
        video.currentTime = target
      }),
      new Promise(resolve => setTimeout(() => resolve(false), 8000)),
    ])
    const seeked = (await seekTo()) || (await seekTo())
    return { seeked, target, at: video.currentTime, width: video.videoWidth, ready: video.readyState, connected: video.isConnected, error: video.error?.message ?? null, src: video.currentSrc }
  }, fraction)
  expect(Number.isFinite(landed.target), 'a replay whose duration is known').toBe(true)
  expect(landed.seeked, JSON.stringify(landed)).toBe(true)
  expect(Math.abs(landed.at - landed.target)).toBeLessThan(0.5)
  expect(landed.width).toBeGreaterThan(0)
  expect(landed.ready).toBeGreaterThanOrEqual(2)
  return landed
}

/** Plays for a moment and says how far the playhead moved, in seconds. */
export async function playFor(replay: Locator, ms: number) {
  return replay.evaluate(async (video: HTMLVideoElement, ms: number) => {
    if (video.readyState < 1) await new Promise(resolve => video.addEventListener('loadedmetadata', resolve, { once: true }))
    await video.play()
    const startedAt = video.currentTime
    await new Promise(resolve => setTimeout(resolve, ms))
    return video.currentTime - startedAt
  }, ms)
}
