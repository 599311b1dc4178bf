import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ServerMessageOf } from '#shared/schemas/socket'
import { backoffDelay } from '#shared/utils/backoff'
import type { LiveSocket } from '../composables/useLiveSocket'

/**
 * - waiting: the show is live but the host's studio is not sending (yet, or for a moment)
 * - connecting: asked for video, offer/answer/ICE under way
 * - playing: media is flowing
 * - off: the show is not live
 */
export type VideoState = 'off' | 'waiting' | 'connecting' | 'playing'

/** A connection that stays 'disconnected' this long is given up and asked for again. */
const DISCONNECTED_GRACE_MS = 5000
/** A request no offer answered (a studio that is connected but not sending): ask again. */
const NO_OFFER_MS = 8000

/**
 * The customer's side of peer-to-peer video: asks the studio for video (`webrtc_new_customer`)
 * when the show is live, answers its offer, and exposes the remote MediaStream. A connection that
 * fails, or a studio that comes back, leads to a new request, with backoff, until video flows.
 */
export const useViewerStore = defineStore('viewer', () => {
  const stream = shallowRef<MediaStream | null>(null)
  const state = ref<VideoState>('off')
  let connection: RTCPeerConnection | null = null
  let studioId: string | null = null
  /** Candidates that arrived before the offer they belong to, by the studio that sent them. */
  let pendingCandidates: Array<{ from: string, candidate: RTCIceCandidateInit }> = []
  let socket: LiveSocket | null = null
  let iceServers: RTCIceServer[] = []
  let wanted = false
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let disconnectTimer: ReturnType<typeof setTimeout> | undefined
  let unsubscribe: Array<() => void> = []

  function attach(options: { socket: LiveSocket, iceServers: RTCIceServer[] }) {
    detach()
    ;({ socket, iceServers } = options)
    unsubscribe = [
      socket.on('webrtc_offer', message => void acceptOffer(message)),
      socket.on('webrtc_ice_candidate', message => void addCandidate(message)),
      // The studio (re)connected: if video is not flowing, ask it now.
      socket.on('broadcaster_ready', () => wanted && state.value !== 'playing' && request()),
      socket.on('stream_started', () => start()),
      socket.on('stream_stopped', () => stop()),
      socket.on('error', (message) => {
        if (message.ref === 'webrtc_new_customer' && message.code === 'NOT_FOUND') state.value = 'waiting'
      }),
    ]
    return detach
  }

  function detach() {
    unsubscribe.forEach(stop => stop())
    unsubscribe = []
    stop()
  }

  /** The show is live: get video. */
  function start() {
    wanted = true
    if (state.value === 'off') state.value = 'connecting'
    request()
  }

  function stop() {
    wanted = false
    clearTimeout(retryTimer)
    closeConnection()
    state.value = 'off'
  }

  function request() {
    clearTimeout(retryTimer)
    if (!wanted || !socket) return
    if (state.value !== 'playing') state.value = state.value === 'waiting' ? 'waiting' : 'connecting'
    socket.send({ type: 'webrtc_register', userType: 'customer' })
    socket.send({ type: 'webrtc_new_customer' })
    retryTimer = setTimeout(() => {
      if (connection) return
      state.value = 'waiting'
      request()
    }, NO_OFFER_MS)
  }

  /** Asks again after a backoff: for a connection that failed or never came. */
  function retry() {
    closeConnection()
    pendingCandidates = []
    if (!wanted) return
    state.value = 'connecting'
    retryTimer = setTimeout(request, backoffDelay(attempt++, 1000, 15_000))
  }

  async function acceptOffer(message: ServerMessageOf<'webrtc_offer'>) {
    if (!wanted) return
    clearTimeout(retryTimer)
    if (state.value !== 'playing') state.value = 'connecting'
    // An offer from the same studio on a live connection is an ICE restart: answer it in place.
    if (!connection || studioId !== message.from || connection.connectionState === 'failed' || connection.connectionState === 'closed') {
      closeConnection()
      connection = createConnection()
    }
    studioId = message.from
    const current = connection
    await current.setRemoteDescription(message.offer as RTCSessionDescriptionInit)
    const early = pendingCandidates.filter(pending => pending.from === message.from)
    pendingCandidates = []
    for (const { candidate } of early) await current.addIceCandidate(candidate).catch(() => {})
    const answer = await current.createAnswer()
    await current.setLocalDescription(answer)
    socket?.send({ type: 'webrtc_answer', to: message.from, answer: { type: answer.type, sdp: answer.sdp } })
  }

  function createConnection() {
    const created = new RTCPeerConnection({ iceServers })
    created.ontrack = (event) => {
      stream.value = event.streams[0] ?? new MediaStream([event.track])
    }
    created.onicecandidate = ({ candidate }) => {
      if (studioId) socket?.send({ type: 'webrtc_ice_candidate', to: studioId, candidate: candidate ? candidate.toJSON() as never : null })
    }
    created.onconnectionstatechange = () => {
      if (connection !== created) return
      clearTimeout(disconnectTimer)
      const now = created.connectionState
      if (now === 'connected') {
        state.value = 'playing'
        attempt = 0
      }
      if (now === 'failed') retry()
      if (now === 'disconnected') disconnectTimer = setTimeout(retry, DISCONNECTED_GRACE_MS)
    }
    return created
  }

  async function addCandidate(message: ServerMessageOf<'webrtc_ice_candidate'>) {
    if (!message.candidate) return
    if (connection?.remoteDescription && message.from === studioId) await connection.addIceCandidate(message.candidate).catch(() => {})
    // Not yet applicable (its offer is still on the way or being applied): kept for that offer.
    else pendingCandidates.push({ from: message.from, candidate: message.candidate })
  }

  function closeConnection() {
    clearTimeout(disconnectTimer)
    if (connection) {
      connection.ontrack = null
      connection.onicecandidate = null
      connection.onconnectionstatechange = null
      connection.close()
    }
    connection = null
    studioId = null
    stream.value = null
  }

  return { stream, state, attach, detach, start, stop, request }
})
