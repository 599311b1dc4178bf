import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Quality } from '#shared/types/models'
import type { ServerMessageOf } from '#shared/schemas/socket'
import { QUALITY_PRESETS } from '#shared/utils/quality'
import type { LiveSocket } from '../composables/useLiveSocket'
import { withStartBitrate } from '../utils/start-bitrate'

interface Peer {
  connection: RTCPeerConnection
  /** Candidates that arrived before the answer: they can only be added after it. */
  pendingCandidates: RTCIceCandidateInit[]
  restarts: number
  disconnectTimer?: ReturnType<typeof setTimeout>
}

/** A customer whose connection stays 'disconnected' this long gets an ICE restart. */
const DISCONNECTED_GRACE_MS = 4000
/** After this many failed restarts the peer is dropped; the customer's page asks again by itself. */
const MAX_RESTARTS = 3
/**
 * Where a new viewer's video starts, in kbit/s (at most the preset's cap). From WebRTC's default
 * start of about 300 kbit/s the encoder drops and shrinks the first frames of 720p: from
 * "connected" to the first decoded frame took a median 717 and 585 ms in two rounds of 8 joins,
 * and 488 and 380 ms from 1,000 kbit/s (2,000 gained nothing more; bench/README.md).
 */
const START_KBPS = 1000

/**
 * The host's side of peer-to-peer video: one RTCPeerConnection per customer, created when the
 * server says `webrtc_new_customer` (only while sending), offered the camera's tracks with the
 * preset's bitrate cap, restarted when it fails, closed on `viewer_left`.
 */
export const useBroadcastStore = defineStore('broadcast', () => {
  const peerStates = ref<Record<string, RTCPeerConnectionState>>({})
  const sending = ref(false)
  const connectedPeers = computed(() => Object.values(peerStates.value).filter(state => state === 'connected').length)
  const peers = new Map<string, Peer>()
  let socket: LiveSocket | null = null
  let media: MediaStream | null = null
  let iceServers: RTCIceServer[] = []
  let quality: Quality = '720p'
  let unsubscribe: Array<() => void> = []

  /** Listens to the signaling on `socket`; answers a function that stops listening. */
  function attach(options: { socket: LiveSocket, iceServers: RTCIceServer[], quality: Quality }) {
    detach()
    ;({ socket, iceServers, quality } = options)
    unsubscribe = [
      socket.on('webrtc_new_customer', message => void offerTo(message.customerId)),
      socket.on('webrtc_answer', message => void acceptAnswer(message)),
      socket.on('webrtc_ice_candidate', message => void addCandidate(message)),
      socket.on('viewer_left', message => closePeer(message.customerId)),
    ]
    return detach
  }

  function detach() {
    unsubscribe.forEach(stop => stop())
    unsubscribe = []
  }

  /** The camera's stream; a new one (another device or quality) replaces the tracks in every peer. */
  function setMedia(stream: MediaStream | null) {
    media = stream
    if (!stream) return
    for (const { connection } of peers.values()) {
      for (const sender of connection.getSenders()) {
        const track = stream.getTracks().find(candidate => candidate.kind === sender.track?.kind)
        if (track && sender.track !== track) void sender.replaceTrack(track)
      }
    }
  }

  function setQuality(next: Quality) {
    quality = next
    for (const { connection } of peers.values()) void capBitrate(connection)
  }

  /** Starts answering customers and tells those already waiting that video is ready. */
  function startSending() {
    sending.value = true
    socket?.send({ type: 'webrtc_register', userType: 'admin' })
  }

  function stopSending() {
    sending.value = false
    for (const id of [...peers.keys()]) closePeer(id)
  }

  async function offerTo(customerId: string, iceRestart = false) {
    if (!sending.value || !media) return
    let peer = peers.get(customerId)
    if (!iceRestart || !peer) {
      // A customer asking again has lost its connection: start afresh.
      if (peer) closePeer(customerId)
      peer = createPeer(customerId, media)
    }
    const offer = await peer.connection.createOffer({ iceRestart })
    await peer.connection.setLocalDescription(offer)
    // The offer leaves before any ICE candidate can (they are gathered only from here on).
    socket?.send({ type: 'webrtc_offer', to: customerId, offer: { type: offer.type, sdp: offer.sdp } })
    await capBitrate(peer.connection)
  }

  function createPeer(customerId: string, stream: MediaStream): Peer {
    const connection = new RTCPeerConnection({ iceServers })
    const peer: Peer = { connection, pendingCandidates: [], restarts: 0 }
    peers.set(customerId, peer)
    for (const track of stream.getTracks()) connection.addTrack(track, stream)
    connection.onicecandidate = ({ candidate }) => {
      socket?.send({ type: 'webrtc_ice_candidate', to: customerId, candidate: candidate ? candidate.toJSON() as never : null })
    }
    connection.onconnectionstatechange = () => watchState(customerId, peer)
    peerStates.value = { ...peerStates.value, [customerId]: connection.connectionState }
    return peer
  }

  function watchState(customerId: string, peer: Peer) {
    if (peers.get(customerId) !== peer) return
    const state = peer.connection.connectionState
    peerStates.value = { ...peerStates.value, [customerId]: state }
    clearTimeout(peer.disconnectTimer)
    if (state === 'connected') peer.restarts = 0
    if (state === 'failed') restart(customerId, peer)
    if (state === 'disconnected') peer.disconnectTimer = setTimeout(() => restart(customerId, peer), DISCONNECTED_GRACE_MS)
  }

  function restart(customerId: string, peer: Peer) {
    if (peers.get(customerId) !== peer || peer.connection.connectionState === 'connected') return
    if (++peer.restarts > MAX_RESTARTS) return closePeer(customerId)
    void offerTo(customerId, true)
  }

  async function acceptAnswer(message: ServerMessageOf<'webrtc_answer'>) {
    const peer = peers.get(message.from)
    if (!peer || peer.connection.signalingState !== 'have-local-offer') return
    const answer = message.answer as RTCSessionDescriptionInit
    const startKbps = Math.min(START_KBPS, QUALITY_PRESETS[quality].videoBitsPerSecond / 1000)
    await peer.connection.setRemoteDescription({ type: answer.type, sdp: withStartBitrate(answer.sdp ?? '', startKbps) })
    for (const candidate of peer.pendingCandidates.splice(0)) await peer.connection.addIceCandidate(candidate).catch(() => {})
  }

  async function addCandidate(message: ServerMessageOf<'webrtc_ice_candidate'>) {
    const peer = peers.get(message.from)
    if (!peer || !message.candidate) return
    if (peer.connection.remoteDescription) await peer.connection.addIceCandidate(message.candidate).catch(() => {})
    else peer.pendingCandidates.push(message.candidate)
  }

  /** Caps the video sender at the preset's bitrate, so 1080p does not starve a room of phones. */
  async function capBitrate(connection: RTCPeerConnection) {
    const maxBitrate = QUALITY_PRESETS[quality].videoBitsPerSecond
    for (const sender of connection.getSenders()) {
      if (sender.track?.kind !== 'video') continue
      const parameters = sender.getParameters()
      if (!parameters.encodings?.length) continue
      parameters.encodings.forEach(encoding => (encoding.maxBitrate = maxBitrate))
      await sender.setParameters(parameters).catch(() => {})
    }
  }

  function closePeer(customerId: string) {
    const peer = peers.get(customerId)
    if (!peer) return
    clearTimeout(peer.disconnectTimer)
    peers.delete(customerId)
    peer.connection.onconnectionstatechange = null
    peer.connection.onicecandidate = null
    peer.connection.close()
    const { [customerId]: _closed, ...rest } = peerStates.value
    peerStates.value = rest
  }

  return { peerStates, connectedPeers, sending, attach, detach, setMedia, setQuality, startSending, stopSending }
})
