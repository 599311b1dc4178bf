import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { ServerMessageOf } from '#shared/schemas/socket'
import { backoffDelay } from '#shared/utils/backoff'
import type { LiveSocket } from '../composables/useLiveSocket'
import { PeerLink } from '../utils/peer-link'

/**
 * - off: the show is not live (or this page does not want video)
 * - waiting: the show is live but the host's studio is not sending (yet, or for a moment)
 * - connecting: asked for video, offer/answer/ICE under way
 * - playing: media is flowing
 * - reconnecting: connected, but the host's media stopped for a moment (relay: the last frame stays)
 * - full: the show has as many viewers as it can take; asked again shortly (relay)
 */
export type VideoState = 'off' | 'waiting' | 'connecting' | 'playing' | 'reconnecting' | 'full'

/** A connection that stays 'disconnected' this long is given up and asked for again. */
const DISCONNECTED_GRACE_MS = 5000
/** A request no offer answered (a studio that is connected but not sending): ask again. */
const NO_OFFER_MS = 8000

/**
 * The customer's side of peer-to-peer video: asks the studio for video (`webrtc_new_customer`)
 * when the show is live, answers its offer on a PeerLink, and exposes the remote MediaStream. The
 * state is the one variable that says where it stands; a link that gives up, or a studio that
 * comes back, leads to a new request, with backoff after failures, until video flows.
 */
export const useViewerStore = defineStore('viewer', () => {
  const stream = shallowRef<MediaStream | null>(null)
  const state = ref<VideoState>('off')
  let link: PeerLink | null = null
  let studioId: string | null = null
  /** Candidates that arrived before the offer they belong to, by the studio that sent them. */
  let early: Array<{ from: string, candidate: RTCIceCandidateInit }> = []
  let socket: LiveSocket | null = null
  let iceServers: RTCIceServer[] = []
  /** Links that gave up in a row: how long to wait before asking again. */
  let failures = 0
  let nextAsk: ReturnType<typeof setTimeout> | undefined
  let unsubscribe: Array<() => void> = []

  const wanted = () => state.value !== 'off'

  function attach(options: { socket: LiveSocket, iceServers: RTCIceServer[] }) {
    detach()
    ;({ socket, iceServers } = options)
    unsubscribe = [
      socket.on('webrtc_offer', message => void acceptOffer(message)),
      socket.on('webrtc_ice_candidate', message => void addCandidate(message)),
      // The studio (re)connected: if video is not flowing, ask it now.
      socket.on('broadcaster_ready', () => wanted() && state.value !== 'playing' && ask()),
      socket.on('stream_started', () => start()),
      socket.on('stream_stopped', () => stop()),
      socket.on('error', (message) => {
        if (message.ref === 'webrtc_new_customer' && message.code === 'NOT_FOUND' && wanted()) state.value = 'waiting'
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
    if (state.value === 'off') state.value = 'connecting'
    ask()
  }

  function stop() {
    clearTimeout(nextAsk)
    closeLink()
    state.value = 'off'
  }

  /** Asks the studio for video now; if no offer comes, the studio is not sending: wait, and ask again. */
  function ask() {
    clearTimeout(nextAsk)
    if (!wanted() || !socket) return
    socket.send({ type: 'webrtc_register', userType: 'customer' })
    socket.send({ type: 'webrtc_new_customer' })
    nextAsk = setTimeout(() => {
      if (link) return
      state.value = 'waiting'
      ask()
    }, NO_OFFER_MS)
  }

  /** The link gave up (failed, or disconnected too long): a fresh request after a backoff. */
  function askAgainLater() {
    closeLink()
    early = []
    if (!wanted()) return
    state.value = 'connecting'
    nextAsk = setTimeout(ask, backoffDelay(failures++, 1000, 15_000))
  }

  async function acceptOffer(message: ServerMessageOf<'webrtc_offer'>) {
    if (!wanted()) return
    clearTimeout(nextAsk)
    if (state.value !== 'playing') state.value = 'connecting'
    // An offer from the same studio on a live link is an ICE restart: answered on that link.
    if (!link || studioId !== message.from || link.phase === 'gave-up') {
      closeLink()
      link = createLink()
    }
    studioId = message.from
    const current = link
    for (const { candidate } of early.filter(pending => pending.from === message.from)) await current.addRemoteCandidate(candidate)
    early = []
    const answer = await current.acceptOffer(message.offer as RTCSessionDescriptionInit)
    socket?.send({ type: 'webrtc_answer', to: message.from, answer: answer as { type: 'answer', sdp?: string } })
  }

  function createLink() {
    const created: PeerLink = new PeerLink({
      iceServers,
      // The studio restarts ICE; this side gives up and asks again.
      maxRestarts: 0,
      disconnectedGraceMs: DISCONNECTED_GRACE_MS,
      onTrack: (media) => {
        stream.value = media
      },
      onCandidate: (candidate) => {
        if (studioId) socket?.send({ type: 'webrtc_ice_candidate', to: studioId, candidate: candidate as never })
      },
      onPhase: (phase) => {
        if (link !== created || phase !== 'connected') return
        state.value = 'playing'
        failures = 0
      },
      onGiveUp: () => link === created && askAgainLater(),
    })
    return created
  }

  async function addCandidate(message: ServerMessageOf<'webrtc_ice_candidate'>) {
    if (!message.candidate) return
    if (link && message.from === studioId) await link.addRemoteCandidate(message.candidate)
    // Its offer is still on the way: kept for that offer.
    else early.push({ from: message.from, candidate: message.candidate })
  }

  function closeLink() {
    link?.close()
    link = null
    studioId = null
    stream.value = null
  }

  return { stream, state, attach, detach, start, stop }
})
