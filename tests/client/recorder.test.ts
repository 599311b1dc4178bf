import { effectScope, type EffectScope } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useRecorder as makeRecorder, type ChunkUpload } from '~/composables/useRecorder'
import { FakeMediaRecorder, fakeStream } from './fakes'

// Each test's recorder lives in a scope of its own, so its page-leave listener goes with it.
let scope: EffectScope
const useRecorder = (upload: ChunkUpload, timesliceMs?: number) => scope.run(() => makeRecorder(upload, timesliceMs))!

beforeEach(() => {
  scope = effectScope()
  FakeMediaRecorder.all = []
  vi.stubGlobal('MediaRecorder', FakeMediaRecorder)
})
afterEach(() => {
  scope.stop()
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

const text = (chunk: Blob) => chunk.text()

describe('useRecorder', () => {
  it('records with VP8 at the given bitrate and sends chunks in order from fromSeq', async () => {
    const sent: Array<[number, string]> = []
    const recorder = useRecorder(async (seq, chunk) => void sent.push([seq, await text(chunk)]), 2000)
    recorder.start(fakeStream(), { fromSeq: 7, videoBitsPerSecond: 1_000_000 })
    const media = FakeMediaRecorder.all[0]!
    expect(media.options).toMatchObject({ mimeType: 'video/webm;codecs=vp8,opus', videoBitsPerSecond: 1_000_000, videoKeyFrameIntervalDuration: 2000 })
    expect(media.timeslice).toBe(2000)
    media.emit('a')
    media.emit('b')
    await recorder.stop()
    await recorder.drained()
    expect(sent).toEqual([[7, 'a'], [8, 'b'], [9, 'last']])
    expect(recorder.sentChunks.value).toBe(3)
    expect(recorder.pendingChunks.value).toBe(0)
    expect(recorder.busy.value).toBe(false)
  })

  it('numbers a new recording after the parts still waiting to be sent, and keeps one recorder at a time', async () => {
    vi.useFakeTimers()
    const sent: Array<[number, string]> = []
    let refusing = true
    const recorder = useRecorder(async (seq, chunk) => {
      if (refusing) throw new Error('HTTP 503')
      sent.push([seq, await text(chunk)])
    })
    recorder.start(fakeStream())
    FakeMediaRecorder.all[0]!.emit('a')
    FakeMediaRecorder.all[0]!.emit('b')
    // The server holds none of them yet (its count says 0): the tab's own parts 0 and 1 keep their numbers.
    recorder.start(fakeStream(), { fromSeq: 0 })
    expect(FakeMediaRecorder.all[0]!.state).toBe('inactive')
    FakeMediaRecorder.all[1]!.emit('c')
    refusing = false
    await vi.advanceTimersByTimeAsync(20_000)
    expect(sent).toEqual([[0, 'a'], [1, 'b'], [2, 'last'], [3, 'c']])
  })

  it('retries a refused chunk until it is acknowledged, keeping the order and the count pending', async () => {
    vi.useFakeTimers()
    const attempts: number[] = []
    let failures = 2
    const recorder = useRecorder(async (seq) => {
      attempts.push(seq)
      if (seq === 0 && failures-- > 0) throw new Error('HTTP 503')
    })
    recorder.start(fakeStream())
    FakeMediaRecorder.all[0]!.emit('a')
    FakeMediaRecorder.all[0]!.emit('b')
    await vi.advanceTimersByTimeAsync(0)
    expect(recorder.pendingChunks.value).toBe(2)
    expect(recorder.lastError.value).toContain('503')
    await vi.advanceTimersByTimeAsync(5000)
    expect(attempts).toEqual([0, 0, 0, 1])
    expect(recorder.pendingChunks.value).toBe(0)
    expect(recorder.lastError.value).toBeNull()
  })

  it('tries a chunk waiting out its backoff again at once when the show ends and the replay waits for it', async () => {
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const attempts: number[] = []
    let failures = 6
    const recorder = useRecorder(async (seq) => {
      attempts.push(Date.now())
      if (seq === 0 && failures-- > 0) throw new Error('HTTP 503')
    })
    recorder.start(fakeStream())
    FakeMediaRecorder.all[0]!.emit('a')
    // Six refusals at full backoff (0.5, 1, 2, 4, 8 s apart): the next try is 15 s away.
    await vi.advanceTimersByTimeAsync(0.5e3 + 1e3 + 2e3 + 4e3 + 8e3)
    expect(attempts).toHaveLength(6)
    const askedAt = Date.now()
    const drained = recorder.drained()
    await vi.advanceTimersByTimeAsync(0)
    await drained
    expect(attempts).toHaveLength(7)
    expect(attempts.at(-1)).toBe(askedAt)
    expect(recorder.pendingChunks.value).toBe(0)
    vi.restoreAllMocks()
  })

  it('warns before the page is left while chunks are unsent, and not after', async () => {
    let acknowledge = () => {}
    const recorder = useRecorder(() => new Promise<void>(resolve => (acknowledge = resolve)))
    recorder.start(fakeStream())
    FakeMediaRecorder.all[0]!.emit('a')
    await recorder.stop()
    const leaving = new Event('beforeunload', { cancelable: true })
    window.dispatchEvent(leaving)
    expect(leaving.defaultPrevented).toBe(true)
    acknowledge()
    await vi.waitFor(() => expect(recorder.pendingChunks.value).toBe(1))
    acknowledge()
    await recorder.drained()
    const later = new Event('beforeunload', { cancelable: true })
    window.dispatchEvent(later)
    expect(later.defaultPrevented).toBe(false)
  })

  it('starts a new recorder on a track swap and carries the sequence on', async () => {
    const seqs: number[] = []
    const recorder = useRecorder(async seq => void seqs.push(seq))
    recorder.start(fakeStream())
    FakeMediaRecorder.all[0]!.emit('a')
    const next = fakeStream()
    await recorder.switchTo(next)
    expect(FakeMediaRecorder.all).toHaveLength(2)
    expect(FakeMediaRecorder.all[1]!.stream).toBe(next)
    FakeMediaRecorder.all[1]!.emit('b')
    await recorder.stop()
    await recorder.drained()
    expect(seqs).toEqual([0, 1, 2, 3])
  })
})
