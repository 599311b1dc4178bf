import { computed, readonly, ref, watch } from 'vue'
import type { Livestream, Quality } from '#shared/types/models'
import { QUALITY_PRESETS } from '#shared/utils/quality'
import { useBroadcastStore } from '../stores/broadcast'
import { useRoomStore } from '../stores/room'
import { useAction } from './useAction'
import { useCamera } from './useCamera'
import { useLiveSocket } from './useLiveSocket'
import { uploadChunkTo, useRecorder } from './useRecorder'

/**
 * Where the studio stands, as one value every part of the console reads:
 * - preparing: not live yet, no camera
 * - camera-on: not live yet, the camera previewing
 * - live: live, and this tab is sending video and recording
 * - reconnecting: live and sending, but the socket to the server is down (viewers keep their video)
 * - resumable: live, but this tab is not sending (reopened after a crash, or replaced by another tab)
 * - ending: stopped, the last chunks are still uploading or the recording is being finalized
 * - ended: done
 */
export type StudioPhase = 'preparing' | 'camera-on' | 'live' | 'reconnecting' | 'resumable' | 'ending' | 'ended'

export interface RecordingStatus { chunks: number, bytes: number, nextSeq: number, missing: { from: number, to: number }[], videoUrl: string | null }

const THUMBNAIL_AFTER_MS = 3000

const phaseOf = (status: Livestream['status']): StudioPhase =>
  status === 'scheduled' ? 'preparing' : status === 'live' ? 'resumable' : 'ended'

/**
 * The broadcast console's state and what the host can do, wired together: the socket (registered
 * as the studio), the camera, the peer connections, the recorder and the room. Nothing happens
 * until `open` (on mount); the console shows the values and calls the actions.
 */
export function useStudioSession(initial: Livestream, iceServers: RTCIceServer[]) {
  const id = initial.id
  const room = useRoomStore()
  const broadcast = useBroadcastStore()
  const socket = useLiveSocket(undefined, { immediate: false })
  const camera = useCamera()
  const recorder = useRecorder(uploadChunkTo(id))
  const { problem, run } = useAction()
  const phase = ref<StudioPhase>(phaseOf(initial.status))
  const replaced = ref(false)
  /** What the server already held when this console opened: a crashed tab's recording. */
  const keptBefore = ref<RecordingStatus | null>(null)
  const livestream = computed(() => room.livestream ?? initial)
  const quality = computed(() => livestream.value.quality)
  const sendingHere = computed(() => phase.value === 'live' || phase.value === 'reconnecting')

  // The phase follows what happens, in one place.
  watch(camera.ready, (ready) => {
    if (ready && phase.value === 'preparing') phase.value = 'camera-on'
    if (!ready && phase.value === 'camera-on') phase.value = 'preparing'
  })
  watch(socket.status, (status) => {
    if (status !== 'open' && phase.value === 'live') phase.value = 'reconnecting'
    if (status === 'open' && phase.value === 'reconnecting') phase.value = 'live'
  })
  // Ended from elsewhere (another tab, the API): nothing to send any more.
  watch(() => livestream.value.status, (status) => {
    if (status === 'ended' && !['ending', 'ended'].includes(phase.value)) phase.value = 'ended'
  })

  /** Wires the parts together and connects: call once the console is on screen. */
  function open() {
    room.reset()
    room.set(initial)
    room.attach(socket)
    broadcast.attach({ socket, iceServers, quality: quality.value })
    socket.onOpen(() => {
      socket.send({ type: 'register_admin', livestreamId: id })
      if (broadcast.sending) broadcast.startSending()
    })
    socket.on('admin_replaced', () => {
      replaced.value = true
      void stopSendingHere()
    })
    // A new device or quality: the peers and the recorder follow the new tracks.
    camera.onTracksChanged((stream) => {
      broadcast.setMedia(stream)
      void recorder.switchTo(stream, QUALITY_PRESETS[quality.value].videoBitsPerSecond)
    })
    watch(quality, next => broadcast.setQuality(next))
    if (initial.status === 'live') {
      void $fetch<RecordingStatus>(`/api/livestreams/${id}/recording`).then(kept => (keptBefore.value = kept)).catch(() => {})
    }
    socket.open()
  }

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
      phase.value = socket.status.value === 'open' ? 'live' : 'reconnecting'
      setTimeout(() => void takeThumbnail(), THUMBNAIL_AFTER_MS)
    })
  }

  async function takeThumbnail() {
    if (!camera.stream.value || camera.cameraOff.value) return
    const thumbnailUrl = await uploadThumbnail(id, await captureFrame(camera.stream.value)).catch(() => null)
    if (thumbnailUrl) room.patch(id, { thumbnailUrl })
  }

  /** Stops sending and recording from this tab, leaving the show itself live. */
  async function stopSendingHere() {
    broadcast.stopSending()
    if (sendingHere.value) phase.value = 'resumable'
    await recorder.stop()
  }

  /** Ends the show: the viewers see it at once; the recording is completed and finalized after. */
  async function endShow() {
    phase.value = 'ending'
    await run(async () => {
      broadcast.stopSending()
      await recorder.stop()
      camera.stop()
      room.set((await $fetch<{ livestream: Livestream }>(`/api/livestreams/${id}/stop`, { method: 'POST' })).livestream)
      await recorder.drained()
      await saveReplay()
    })
    phase.value = livestream.value.status === 'ended' ? 'ended' : 'resumable'
  }

  /** Joins what the server holds into the replay; also what rescues a show whose tab died. */
  async function saveReplay() {
    const kept = await $fetch<RecordingStatus>(`/api/livestreams/${id}/recording`)
    if (!kept.chunks) return
    const { videoUrl } = await $fetch<{ videoUrl: string }>(`/api/livestreams/${id}/recording/finalize`, { method: 'POST' })
    room.patch(id, { videoUrl })
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
  async function setQuality(next: Quality) {
    await run(async () => {
      room.set((await $fetch<{ livestream: Livestream }>(`/api/livestreams/${id}`, { method: 'PATCH', body: { quality: next } })).livestream)
      if (camera.ready.value) await camera.start(next)
    })
  }

  /** Another camera or microphone: the camera reopens with it if it is on, and the broadcast follows. */
  async function chooseDevice(kind: 'camera' | 'microphone', deviceId: string) {
    if (kind === 'camera') camera.cameraId.value = deviceId
    else camera.microphoneId.value = deviceId
    if (camera.ready.value) await camera.start(quality.value)
  }

  function close() {
    broadcast.stopSending()
    broadcast.detach()
    room.detach()
    socket.close()
    camera.stop()
  }

  /** The camera and its devices as the controls show them. */
  const devices = computed(() => ({
    ready: camera.ready.value,
    starting: camera.starting.value,
    problem: camera.problem.value,
    muted: camera.muted.value,
    cameraOff: camera.cameraOff.value,
    cameras: camera.cameras.value,
    microphones: camera.microphones.value,
    cameraId: camera.cameraId.value,
    microphoneId: camera.microphoneId.value,
  }))

  /** What is saved of the recording, and what is still on its way. */
  const recording = computed(() => ({
    recording: recorder.recording.value,
    sentChunks: recorder.sentChunks.value,
    sentBytes: recorder.sentBytes.value,
    pendingChunks: recorder.pendingChunks.value,
    pendingBytes: recorder.pendingBytes.value,
    lastError: recorder.lastError.value,
    keptBefore: keptBefore.value,
  }))

  return {
    livestream,
    phase: readonly(phase),
    problem: readonly(problem),
    replaced: readonly(replaced),
    devices,
    recording,
    preview: computed(() => camera.stream.value),
    socketStatus: socket.status,
    connectedPeers: computed(() => broadcast.connectedPeers),
    chat: computed(() => room.chat),
    chatNotice: computed(() => room.chatNotice),
    pinnedProducts: computed(() => room.pinnedProducts),
    open,
    close,
    goLive,
    endShow,
    pin,
    setQuality,
    chooseDevice,
    startCamera: () => camera.start(quality.value),
    toggleMute: camera.toggleMute,
    toggleCamera: camera.toggleCamera,
    sendChat: (text: string) => room.sendChat(socket, text),
  }
}
