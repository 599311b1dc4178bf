import { computed, getCurrentScope, onScopeDispose, ref } from 'vue'
import { backoffDelay } from '#shared/utils/backoff'

/** Sends one chunk; resolves once the server has acknowledged it, rejects otherwise. */
export type ChunkUpload = (seq: number, chunk: Blob) => Promise<void>

// VP8 first: it costs far less CPU than VP9 on a laptop that is also encoding for every viewer.
const MIME_TYPES = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm', 'video/mp4']

// A key frame every 2 s: a replay seek (a product chapter) decodes at most 2 s of video before it
// shows a frame. Chromium's own default was one every ~5 s (100 frames), which the replay's cue
// index, one cue per key frame, inherits; the cost is about 1.5 % more bytes.
const KEY_FRAME_INTERVAL_MS = 2000
// In the MediaRecorder spec and in Chromium; TypeScript's DOM types do not know it yet.
type RecorderOptions = MediaRecorderOptions & { videoKeyFrameIntervalDuration?: number }

export function recorderMimeType(): string {
  return MIME_TYPES.find(type => MediaRecorder.isTypeSupported(type)) ?? ''
}

export function uploadChunkTo(livestreamId: string): ChunkUpload {
  return async (seq, chunk) => {
    const response = await fetch(`/api/livestreams/${livestreamId}/recording/${seq}`, {
      method: 'PUT', body: chunk, headers: { 'content-type': chunk.type || 'video/webm' }, credentials: 'same-origin',
    })
    if (!response.ok) throw new Error(`chunk ${seq}: HTTP ${response.status}`)
  }
}

/**
 * Records the broadcast with MediaRecorder and sends a chunk every `timesliceMs`, in order, each
 * retried with backoff until the server acknowledges it. A dead tab loses only the chunk being
 * recorded; `pendingChunks` and the leave-page warning cover the rest.
 */
export function useRecorder(upload: ChunkUpload, timesliceMs = 2000) {
  const recording = ref(false)
  const pendingChunks = ref(0)
  const pendingBytes = ref(0)
  const sentChunks = ref(0)
  const sentBytes = ref(0)
  const lastError = ref<string | null>(null)
  const busy = computed(() => recording.value || pendingChunks.value > 0)
  const queue: Array<{ seq: number, chunk: Blob }> = []
  let recorder: MediaRecorder | null = null
  let nextSeq = 0
  let uploading = false
  const drainedWaiters: Array<() => void> = []
  /** Ends the wait before the next try of a refused chunk, when there is one. */
  let retryNow: (() => void) | null = null

  /** Starts recording `stream`; `fromSeq` continues a recording the server already holds part of. */
  function start(stream: MediaStream, options: { fromSeq?: number, videoBitsPerSecond?: number } = {}) {
    // One recorder at a time: a second one would number its parts among the first one's.
    if (recorder && recorder.state !== 'inactive') recorder.stop()
    // Never back over parts this tab has numbered and not yet sent: the server's count does not
    // know them yet, and a part taking their number would replace one.
    if (options.fromSeq !== undefined) nextSeq = Math.max(nextSeq, options.fromSeq)
    const mimeType = recorderMimeType()
    const recorderOptions: RecorderOptions = {
      ...(mimeType ? { mimeType } : {}),
      videoBitsPerSecond: options.videoBitsPerSecond,
      videoKeyFrameIntervalDuration: KEY_FRAME_INTERVAL_MS,
    }
    const next = new MediaRecorder(stream, recorderOptions)
    next.ondataavailable = (event) => {
      if (event.data.size) enqueue(event.data)
    }
    next.start(timesliceMs)
    recorder = next
    recording.value = true
  }

  /** Ends the recording; resolves after its last chunk has been queued (not yet sent). */
  function stop(): Promise<void> {
    const current = recorder
    recorder = null
    recording.value = false
    if (!current || current.state === 'inactive') return Promise.resolve()
    return new Promise((resolve) => {
      current.addEventListener('stop', () => resolve(), { once: true })
      current.stop()
    })
  }

  /**
   * Records `stream` from here on. A MediaRecorder cannot follow a track swap, so the old one is
   * ended and a new one started; the server joins both parts into one timeline at finalize.
   */
  async function switchTo(stream: MediaStream, videoBitsPerSecond?: number) {
    if (!recorder) return
    await stop()
    start(stream, { videoBitsPerSecond })
  }

  function enqueue(chunk: Blob) {
    queue.push({ seq: nextSeq++, chunk })
    pendingChunks.value++
    pendingBytes.value += chunk.size
    void pump()
  }

  async function pump() {
    if (uploading) return
    uploading = true
    let attempt = 0
    while (queue.length) {
      const { seq, chunk } = queue[0]!
      try {
        await upload(seq, chunk)
        queue.shift()
        attempt = 0
        lastError.value = null
        pendingChunks.value--
        pendingBytes.value -= chunk.size
        sentChunks.value++
        sentBytes.value += chunk.size
      }
      catch (error) {
        lastError.value = error instanceof Error ? error.message : String(error)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoffDelay(attempt++, 500, 15_000))
          retryNow = () => (clearTimeout(timer), resolve())
        })
        retryNow = null
      }
    }
    uploading = false
    drainedWaiters.splice(0).forEach(resolve => resolve())
  }

  /**
   * Resolves once every queued chunk has been acknowledged. The host is now waiting for the
   * replay, so a chunk waiting out its backoff (up to 15 s) is tried again at once.
   */
  function drained(): Promise<void> {
    if (!queue.length) return Promise.resolve()
    retryNow?.()
    return new Promise(resolve => drainedWaiters.push(resolve))
  }

  function warnBeforeLeaving(event: BeforeUnloadEvent) {
    if (!busy.value) return
    event.preventDefault()
    event.returnValue = ''
  }

  if (typeof window !== 'undefined') {
    window.addEventListener('beforeunload', warnBeforeLeaving)
    if (getCurrentScope()) onScopeDispose(() => window.removeEventListener('beforeunload', warnBeforeLeaving))
  }

  return { recording, pendingChunks, pendingBytes, sentChunks, sentBytes, lastError, busy, start, stop, switchTo, drained }
}

export type Recorder = ReturnType<typeof useRecorder>
