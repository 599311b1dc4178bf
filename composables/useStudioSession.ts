import { computed, readonly, ref, watch } from 'vue'
import type { StartDealInput } from '#shared/schemas/deal'
import type { Deal, Livestream, MediaInfo, Quality } from '#shared/types/models'
import { useDealsStore } from '../stores/deals'
import { useHostVideoStore } from '../stores/host-video'
import { useModerationStore } from '../stores/moderation'
import { useRoomStore } from '../stores/room'
import { useAction } from './useAction'
import { useCamera } from './useCamera'
import { useLiveSocket } from './useLiveSocket'
import { useOnAir } from './useOnAir'
import { useDestinationsStore } from '../stores/destinations'
import { createHostVideo } from './video/host-video'
import type { RecordingStatus } from './video/types'

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

const THUMBNAIL_AFTER_MS = 3000

const phaseOf = (status: Livestream['status']): StudioPhase =>
  status === 'scheduled' ? 'preparing' : status === 'live' ? 'resumable' : 'ended'

/**
 * The broadcast console's state and what the host can do, wired together: the socket (registered
 * as the studio), the camera, the host's video and the room. The video is the mode's, picked once
 * (composables/video/host-video.ts): in relay and janus modes the camera is published once with
 * WHIP and the server records; in p2p a connection per customer and the browser records.
 * Nothing happens until `open` (on mount); the console shows the values and calls the actions.
 */
export function useStudioSession(initial: Livestream, iceServers: RTCIceServer[], media?: MediaInfo) {
  const id = initial.id
  const room = useRoomStore()
  const hostState = useHostVideoStore()
  // The host moderates too: the same actions as a moderator, on the console's chat.
  const moderation = useModerationStore()
  const deals = useDealsStore()
  const socket = useLiveSocket(undefined, { immediate: false })
  const video = createHostVideo(media, { socket, iceServers, livestreamId: id, state: hostState })
  const { recorder } = video
  const onAir = useOnAir(socket, id)
  const destinations = useDestinationsStore()
  const camera = useCamera()
  const { problem, run } = useAction()
  const phase = ref<StudioPhase>(phaseOf(initial.status))
  const replaced = ref(false)
  /** What the server already held when this console opened: a crashed tab's recording. */
  const keptBefore = ref<RecordingStatus | null>(null)
  const livestream = computed(() => room.livestream ?? initial)
  const quality = computed(() => livestream.value.quality)
  const sendingHere = computed(() => phase.value === 'live' || phase.value === 'reconnecting')
  /** Relay and janus: media flows that this tab does not send (an encoder such as OBS). */
  const encoderPublishing = computed(() => video.carriedByServer && room.mediaPublishing && hostState.publisherState === 'idle')

  // The phase follows what happens, in one place.
  watch(camera.ready, (ready) => {
    if (ready && phase.value === 'preparing') phase.value = 'camera-on'
    if (!ready && phase.value === 'camera-on') phase.value = 'preparing'
  })
  // Reconnecting while the socket is down, or (relay) while the publisher makes a new session.
  const connectionDown = computed(() => socket.status.value !== 'open' || hostState.publisherState === 'reconnecting')
  watch(connectionDown, (down) => {
    if (down && phase.value === 'live') phase.value = 'reconnecting'
    if (!down && phase.value === 'reconnecting') phase.value = 'live'
  })
  // Ended from elsewhere (another tab, the API): nothing to send any more.
  watch(() => livestream.value.status, (status) => {
    if (status === 'ended' && !['ending', 'ended'].includes(phase.value)) phase.value = 'ended'
  })

  /** Wires the parts together and connects: call once the console is on screen. */
  function open() {
    room.reset()
    room.set(initial)
    room.mediaPublishing = media?.publishing ?? false
    room.attach(socket)
    moderation.reset()
    moderation.attach(socket)
    deals.reset()
    deals.attach(socket)
    onAir.open()
    destinations.reset()
    destinations.attach(socket)
    socket.on('admin_registered', () => {
      void destinations.load(id).catch(() => {})
      void moderation.load(id).catch(() => {})
      void deals.load(id).catch(() => {})
      void onAir.load()
    })
    video.open()
    let reopened = false
    socket.onOpen(() => {
      socket.send({ type: 'register_admin', livestreamId: id })
      video.socketOpened()
    })
    watch(socket.status, (status, before) => {
      if (before === 'open' && status !== 'open') reopened = true
    })
    // Back after the socket dropped: the first media_state says whether the server still has our
    // media. If not (it restarted), the publisher makes a new session at once.
    socket.on('media_state', (message) => {
      if (!reopened) return
      reopened = false
      if (!message.publishing) video.serverLostMedia()
    })
    socket.on('admin_replaced', () => {
      replaced.value = true
      void stopSendingHere()
    })
    // A new device or quality: the connections and the recorder follow the new tracks.
    camera.onTracksChanged(stream => video.setMedia(stream, quality.value))
    watch(quality, next => video.setQuality(next))
    if (initial.status === 'live') void video.recordingKept().then(kept => (keptBefore.value = kept)).catch(() => {})
    socket.open()
  }

  async function startShow() {
    if (livestream.value.status === 'scheduled') {
      room.set((await $fetch<{ livestream: Livestream }>(`/api/livestreams/${id}/start`, { method: 'POST' })).livestream)
    }
  }

  /** Goes live (or, when already live, resumes sending from this tab). */
  async function goLive() {
    // An encoder is sending (relay, janus): the show goes live on its picture, no camera needed here.
    // The console then stands as it does for any show live without this tab's camera.
    if (encoderPublishing.value) {
      await run(startShow)
      if (livestream.value.status === 'live') phase.value = 'resumable'
      return
    }
    if (!camera.ready.value && !(await camera.start(quality.value))) return
    await run(async () => {
      await startShow()
      replaced.value = false
      await video.start(camera.stream.value!, quality.value)
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
    const stopped = video.stop()
    if (sendingHere.value) phase.value = 'resumable'
    await stopped
  }

  /**
   * Ends the show: the viewers see it at once; the recording is completed and finalized after
   * (relay and janus: by the server, which recorded it).
   */
  async function endShow() {
    phase.value = 'ending'
    await run(async () => {
      await video.stop()
      camera.stop()
      room.set((await $fetch<{ livestream: Livestream }>(`/api/livestreams/${id}/stop`, { method: 'POST' })).livestream)
      // Relay and janus: the server recorded the show and saves the replay itself.
      const videoUrl = await video.saveReplay()
      if (videoUrl) room.patch(id, { videoUrl })
    })
    phase.value = livestream.value.status === 'ended' ? 'ended' : 'resumable'
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
    video.close()
    moderation.detach()
    deals.detach()
    onAir.close()
    destinations.reset()
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
    recording: recorder?.recording.value ?? false,
    sentChunks: recorder?.sentChunks.value ?? 0,
    sentBytes: recorder?.sentBytes.value ?? 0,
    pendingChunks: recorder?.pendingChunks.value ?? 0,
    pendingBytes: recorder?.pendingBytes.value ?? 0,
    lastError: recorder?.lastError.value ?? null,
    keptBefore: keptBefore.value,
    onServer: !recorder,
  }))

  /** Issues a new stream key for an encoder (the old one stops working). */
  async function newStreamKey() {
    return run(() => $fetch<{ streamKey: string, whipUrl: string }>(`/api/livestreams/${id}/stream-key`, { method: 'POST' }))
  }

  return {
    livestream,
    phase: readonly(phase),
    problem: readonly(problem),
    replaced: readonly(replaced),
    devices,
    recording,
    preview: computed(() => camera.stream.value),
    socketStatus: socket.status,
    mode: media?.mode ?? 'p2p',
    /** p2p: the customers this tab sends to; relay and janus: null (the server sends). */
    connectedPeers: computed(() => video.carriedByServer ? null : hostState.connectedPeers),
    publisherState: computed(() => hostState.publisherState),
    publisherProblem: computed(() => hostState.publisherProblem),
    encoderPublishing,
    newStreamKey,
    publisherStats: () => video.stats(),
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
    onAir,
    deals: {
      list: computed(() => deals.deals),
      /** Starts a flash deal (the product is pinned with it); answers it, or undefined with `problem` set. */
      start: (input: StartDealInput) => run(async () => {
        const { deal } = await $fetch<{ deal: Deal }>(`/api/livestreams/${id}/deals`, { method: 'POST', body: input })
        deals.deals = [...deals.deals.filter(known => known.id !== deal.id), deal]
        return deal
      }),
      end: (dealId: string) => run(() => $fetch(`/api/livestreams/${id}/deals/${dealId}/end`, { method: 'POST' })),
    },
    moderation: {
      held: computed(() => moderation.held.length),
      restricted: computed(() => moderation.restricted),
      problem: computed(() => moderation.problem),
      remove: (messageId: string) => moderation.remove(socket, messageId),
      timeout: (userId: string, seconds: number) => moderation.timeout(socket, userId, seconds),
      ban: (userId: string) => moderation.ban(socket, userId),
    },
  }
}
