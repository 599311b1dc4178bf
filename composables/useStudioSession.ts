import { computed, ref, watch } from 'vue'
import type { Livestream } from '#shared/types/models'
import { QUALITY_PRESETS } from '#shared/utils/quality'
import { useBroadcastStore } from '../stores/broadcast'
import { useRoomStore } from '../stores/room'
import { useAction } from './useAction'
import { useCamera } from './useCamera'
import { useLiveSocket } from './useLiveSocket'
import { uploadChunkTo, useRecorder } from './useRecorder'

/**
 * - preparing: not live yet, the camera may be previewing
 * - live: live, and this tab is sending video and recording
 * - detached: live, but this tab is not sending (reopened after a crash, or replaced by another tab)
 * - ending: stopped, the last chunks are still uploading or the recording is being finalized
 * - ended: done
 */
export type StudioPhase = 'preparing' | 'live' | 'detached' | 'ending' | 'ended'

interface RecordingStatus { chunks: number, bytes: number, nextSeq: number, missing: number[], videoUrl: string | null }

const THUMBNAIL_AFTER_MS = 3000

/**
 * Everything the broadcast console does, wired together: the socket (register as the studio),
 * the camera, the peer connections, the recorder and the room. The page only shows it.
 */
export function useStudioSession(initial: Livestream, iceServers: RTCIceServer[]) {
  const id = initial.id
  const room = useRoomStore()
  room.reset()
  room.set(initial)
  const broadcast = useBroadcastStore()
  const socket = useLiveSocket()
  const camera = useCamera()
  const recorder = useRecorder(uploadChunkTo(id))
  const replaced = ref(false)
  const { problem, run } = useAction()
  const finalizing = ref(false)
  /** What the server already held when this console opened: a crashed tab's recording. */
  const keptBefore = ref<RecordingStatus | null>(null)
  const livestream = computed(() => room.livestream ?? initial)
  const quality = computed(() => livestream.value.quality)
  const phase = computed<StudioPhase>(() => {
    const status = livestream.value.status
    if (status === 'scheduled') return 'preparing'
    if (status === 'live') return broadcast.sending ? 'live' : 'detached'
    return finalizing.value || recorder.busy.value ? 'ending' : 'ended'
  })

  if (initial.status === 'live') {
    void $fetch<RecordingStatus>(`/api/livestreams/${id}/recording`).then(kept => (keptBefore.value = kept)).catch(() => {})
  }
  room.attach(socket)
  broadcast.attach({ socket, iceServers, quality: quality.value })
  socket.onOpen(() => {
    socket.send({ type: 'register_admin', livestreamId: id })
    if (broadcast.sending) broadcast.startSending()
  })
  socket.on('admin_replaced', () => {
    replaced.value = true
    void detachHere()
  })
  // A new device or quality: the peers and the recorder follow the new tracks.
  camera.onTracksChanged((stream) => {
    broadcast.setMedia(stream)
    void recorder.switchTo(stream, QUALITY_PRESETS[quality.value].videoBitsPerSecond)
  })
  watch(quality, next => broadcast.setQuality(next))

  /** Goes live (or, when already live, resumes sending from this tab). */
  async function goLive() {
    if (!camera.ready.value && !(await camera.start(quality.value))) return
    await run(async () => {
      if (livestream.value.status === 'scheduled') {
        room.set((await $fetch<{ livestream: Livestream }>(`/api/livestreams/${id}/start`, { method: 'POST' })).livestream)
      }
      const kept = await $fetch<RecordingStatus>(`/api/livestreams/${id}/recording`)
      replaced.value = false
      broadcast.setMedia(camera.stream.value)
      broadcast.startSending()
      recorder.start(camera.stream.value!, { fromSeq: kept.nextSeq, videoBitsPerSecond: QUALITY_PRESETS[quality.value].videoBitsPerSecond })
      setTimeout(() => void takeThumbnail(), THUMBNAIL_AFTER_MS)
    })
  }

  async function takeThumbnail() {
    if (!camera.stream.value || camera.cameraOff.value) return
    const thumbnailUrl = await uploadThumbnail(id, await captureFrame(camera.stream.value)).catch(() => null)
    if (thumbnailUrl) room.patch(id, { thumbnailUrl })
  }

  /** Stops sending and recording from this tab, leaving the show itself live. */
  async function detachHere() {
    broadcast.stopSending()
    await recorder.stop()
  }

  /** Ends the show: the viewers see it at once; the recording is completed and finalized after. */
  async function endShow() {
    await run(async () => {
      finalizing.value = true
      await detachHere()
      camera.stop()
      room.set((await $fetch<{ livestream: Livestream }>(`/api/livestreams/${id}/stop`, { method: 'POST' })).livestream)
      await recorder.drained()
      await finalize()
    })
    finalizing.value = false
  }

  /** Joins what the server holds into the replay; also what rescues a show whose tab died. */
  async function finalize() {
    finalizing.value = true
    try {
      const kept = await $fetch<RecordingStatus>(`/api/livestreams/${id}/recording`)
      if (!kept.chunks) return
      const { videoUrl } = await $fetch<{ videoUrl: string }>(`/api/livestreams/${id}/recording/finalize`, { method: 'POST' })
      room.patch(id, { videoUrl })
    }
    finally {
      finalizing.value = false
    }
  }

  async function pin(productId: string, pinned: boolean) {
    await run(async () => {
      const { pinnedProducts } = await $fetch<Pick<Livestream, 'pinnedProducts'>>(`/api/livestreams/${id}/pin-product`, {
        method: 'POST', body: { productId, pinned },
      })
      room.patch(id, { pinnedProducts })
    })
  }

  /** A new preset: stored on the show, and the camera reopened at that size if it is on. */
  async function setQuality(next: Livestream['quality']) {
    await run(async () => {
      room.set((await $fetch<{ livestream: Livestream }>(`/api/livestreams/${id}`, { method: 'PATCH', body: { quality: next } })).livestream)
      if (camera.ready.value) await camera.start(next)
    })
  }

  function close() {
    broadcast.stopSending()
    broadcast.detach()
    room.detach()
    socket.close()
    camera.stop()
  }

  return {
    livestream, phase, problem, replaced, finalizing, keptBefore, socket, camera, recorder, broadcast, room,
    goLive, endShow, finalize: () => run(finalize), pin, setQuality, close,
  }
}
