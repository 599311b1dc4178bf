// Playing and seeking a replay <video> from a test, bounded: a seek that never completes fails the
// test with what the player was doing instead of hanging it until the test's timeout.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator } from 'playwright'
import { expect } from 'vitest'
import { adminToken, api } from './api'

/** A replay for a show that had no camera: ffmpeg's test pattern, `seconds` long, uploaded as its video. */
export async function uploadReplay(livestreamId: string, seconds: number) {
  const file = join(mkdtempSync(join(tmpdir(), 'replay-')), 'replay.webm')
  execFileSync('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=10', '-t', String(seconds), '-c:v', 'libvpx', '-b:v', '100k', '-deadline', 'realtime', '-cpu-used', '8', file])
  const form = new FormData()
  form.set('livestreamId', livestreamId)
  form.set('video', new Blob([readFileSync(file)], { type: 'video/webm' }), 'replay.webm')
  const uploaded = await api('/api/uploads/livestream-video', { token: adminToken(), raw: form })
  expect(uploaded.status).toBe(201)
}

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
