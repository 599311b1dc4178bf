import { computed, getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue'
import type { Quality } from '#shared/types/models'
import { videoConstraints } from '#shared/utils/quality'

/** What a host reads when the camera cannot start: the cause and what to do about it. */
export function cameraProblem(error: unknown): string {
  const name = (error as { name?: string })?.name
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera and microphone access was refused. Allow them in the browser\'s address bar, then try again.'
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera or microphone was found. Connect one, then try again.'
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera or microphone is in use by another app. Close it, then try again.'
    default:
      return typeof navigator !== 'undefined' && !navigator.mediaDevices
        ? 'This page needs a secure (https) address to use the camera.'
        : `The camera could not start${error instanceof Error ? `: ${error.message}` : '.'}`
  }
}

/**
 * The host's camera and microphone: one MediaStream whose tracks can be swapped (another device,
 * another quality) while the broadcast carries on; `onTracksChanged` listeners (the peer
 * connections, the recorder) follow the swap.
 */
export function useCamera() {
  const stream = shallowRef<MediaStream | null>(null)
  const cameras = ref<MediaDeviceInfo[]>([])
  const microphones = ref<MediaDeviceInfo[]>([])
  const cameraId = ref<string>('')
  const microphoneId = ref<string>('')
  const muted = ref(false)
  const cameraOff = ref(false)
  const problem = ref<string | null>(null)
  const starting = ref(false)
  const ready = computed(() => !!stream.value)
  const listeners = new Set<(stream: MediaStream) => void>()

  async function listDevices() {
    const devices = await navigator.mediaDevices.enumerateDevices()
    cameras.value = devices.filter(device => device.kind === 'videoinput')
    microphones.value = devices.filter(device => device.kind === 'audioinput')
  }

  /** Opens (or reopens with new choices) the camera and microphone at `quality`. */
  async function start(quality: Quality) {
    starting.value = true
    problem.value = null
    try {
      const next = await navigator.mediaDevices.getUserMedia({
        video: videoConstraints(quality, cameraId.value || undefined),
        audio: { echoCancellation: true, noiseSuppression: true, ...(microphoneId.value ? { deviceId: { exact: microphoneId.value } } : {}) },
      })
      const previous = stream.value
      stream.value = next
      applyToggles()
      previous?.getTracks().forEach(track => track.stop())
      // Labels and ids are only complete once permission is granted.
      await listDevices()
      cameraId.value ||= next.getVideoTracks()[0]?.getSettings().deviceId ?? ''
      microphoneId.value ||= next.getAudioTracks()[0]?.getSettings().deviceId ?? ''
      for (const listener of listeners) listener(next)
      return true
    }
    catch (error) {
      problem.value = cameraProblem(error)
      return false
    }
    finally {
      starting.value = false
    }
  }

  function applyToggles() {
    stream.value?.getAudioTracks().forEach(track => (track.enabled = !muted.value))
    stream.value?.getVideoTracks().forEach(track => (track.enabled = !cameraOff.value))
  }

  function toggleMute() {
    muted.value = !muted.value
    applyToggles()
  }

  function toggleCamera() {
    cameraOff.value = !cameraOff.value
    applyToggles()
  }

  function stop() {
    stream.value?.getTracks().forEach(track => track.stop())
    stream.value = null
  }

  function onTracksChanged(listener: (stream: MediaStream) => void) {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  if (typeof navigator !== 'undefined' && navigator.mediaDevices) {
    navigator.mediaDevices.addEventListener?.('devicechange', listDevices)
    if (getCurrentScope()) {
      onScopeDispose(() => {
        navigator.mediaDevices.removeEventListener?.('devicechange', listDevices)
        stop()
      })
    }
  }

  return { stream, cameras, microphones, cameraId, microphoneId, muted, cameraOff, problem, starting, ready, start, stop, toggleMute, toggleCamera, onTracksChanged }
}

export type Camera = ReturnType<typeof useCamera>
