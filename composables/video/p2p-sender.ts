import type { Quality } from '#shared/types/models'
import type { ServerMessageOf } from '#shared/schemas/socket'
import { p2pFirstPictureScale, p2pScaleDown, QUALITY_PRESETS } from '#shared/utils/quality'
import type { HostVideoState } from '../../stores/host-video'
import type { LiveSocket } from '../useLiveSocket'
import { PeerLink } from '../../utils/peer-link'
import { withStartBitrate } from '../../utils/start-bitrate'

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
 * How long a new customer's picture stays at its first size (p2pFirstPictureScale) after its
 * connection is up: the small first key frame is out and shown by then (85-95 ms after
 * "connected" in a probe, 0.5-1 s in a busy studio), and the change to the full size takes one
 * more key frame (175 ms in the probe).
 */
const FIRST_PICTURE_MS = 2000
/**
 * Offers waiting for their answer, at most: each is a connection the host's browser encodes for.
 * A flood of requests (200 a second from 20 sockets was seen) must not make it build hundreds; a
 * customer refused here asks again by itself (the p2p viewer's no-offer timer).
 */
const MAX_UNANSWERED_OFFERS = 8
/** An offer with no answer after this long is given up, and its connection closed. */
const OFFER_TIMEOUT_MS = 10_000

export interface P2pSenderOptions {
  socket: LiveSocket
  iceServers: RTCIceServer[]
  quality: Quality
  state: HostVideoState
  /**
   * How many connections to keep made ahead (their tracks added, their offers made, their
   * candidates gathered), each handed to the next customer who asks: the studio's offer then
   * leaves at once. Building one on request took the studio 51-177 ms (median 108) on a busy host
   * (bench/README.md, session 18), and 1.4-1.6 s for the second and third of three customers
   * opening the page at once (session 20): more than one, since customers come in bursts when a
   * show is shared. They are made when the studio goes live, when a customer's connection closes,
   * and once a customer who took one is up and has had its first picture (FIRST_PICTURE_MS after
   * "connected"): moments when the host's computer is not busy bringing a customer in. Made on
   * request, a connection for a customer joining six others took the busy studio 285-840 ms.
   */
  spares?: number
}

/** A connection, and whose it is: no one's while it is a spare. */
interface OwnedLink { link: PeerLink, owner: { customerId: string | null } }

/**
 * The host's connections in p2p: one PeerLink per customer, made when the server says
 * `webrtc_new_customer` (only while sending), offered the camera's tracks with the preset's bitrate
 * cap, restarted by the link when it fails, closed on `viewer_left`.
 */
export function createP2pSender(options: P2pSenderOptions) {
  const { socket, iceServers, state } = options
  let quality = options.quality
  let sending = false
  let media: MediaStream | null = null
  const links = new Map<string, PeerLink>()
  const unanswered = new Map<string, ReturnType<typeof setTimeout>>()
  let unsubscribe: Array<() => void> = []
  /** How many connections the studio keeps made ahead (none unless asked). */
  const keptAhead = options.spares ?? 0
  /** The connections made ahead, each with its offer on the way, oldest first. */
  let spares: Array<OwnedLink & { offered: Promise<unknown> }> = []

  /** Listens to the signaling on the socket. */
  function open() {
    close()
    unsubscribe = [
      socket.on('webrtc_new_customer', message => void offerTo(message.customerId)),
      socket.on('webrtc_answer', message => void acceptAnswer(message)),
      socket.on('webrtc_ice_candidate', message => void addCandidate(message)),
      socket.on('viewer_left', message => closePeer(message.customerId)),
    ]
  }

  function close() {
    unsubscribe.forEach(stop => stop())
    unsubscribe = []
  }

  /** The camera's stream; a new one (another device or quality) replaces the tracks in every peer. */
  function setMedia(stream: MediaStream | null) {
    media = stream
    if (stream) for (const link of [...links.values(), ...spares.map(spare => spare.link)]) link.replaceTracks(stream)
  }

  function setQuality(next: Quality) {
    quality = next
    refit()
  }

  /** The budget's step (p2pScaleDown) every connection was last fitted to, at which preset. */
  let fitted = { quality, step: 1 }

  /**
   * Every customer's picture within the studio's budget for the audience it has now (p2pScaleDown),
   * at the preset's bitrate cap: called as customers come and go, so the host's computer keeps up.
   * Only when the step or the preset changed: reading a sender's parameters waits for the browser's
   * WebRTC thread, busy encoding, and held the studio's offer to a new customer 30-40 ms (a trace).
   */
  function refit() {
    const step = p2pScaleDown(quality, links.size)
    if (fitted.quality === quality && fitted.step === step) return
    fitted = { quality, step }
    for (const link of links.values()) void fit(link)
  }

  /**
   * The connections still sending their first, smaller picture: each one's first frame is a key
   * frame the customer waits for whole, and a smaller one is encoded and sent sooner.
   */
  const starting = new WeakSet<PeerLink>()

  /** Sets nothing on a connection already fitted (PeerLink.capVideo compares). */
  const fit = (link: PeerLink) => link.capVideo(QUALITY_PRESETS[quality].videoBitsPerSecond,
    Math.max(p2pScaleDown(quality, links.size), starting.has(link) ? p2pFirstPictureScale(quality) : 1))

  /** `link`'s picture grows to its share of the budget once its first one has been shown. */
  function growOnceShown(link: PeerLink) {
    if (!starting.has(link)) return
    setTimeout(() => {
      starting.delete(link)
      if (link.phase === 'closed') return
      void fit(link)
      // This customer is in, and the studio between joins: the next one's connection is made now.
      makeSpare()
    }, FIRST_PICTURE_MS)
  }

  /** Starts answering customers and tells those already waiting that video is ready (again after a reconnect). */
  function startSending() {
    sending = true
    // makeSpare stops at keptAhead: after a reconnect only the missing ones are made.
    for (let made = 0; made < keptAhead; made++) makeSpare()
    socket.send({ type: 'webrtc_register', userType: 'admin' })
  }

  function stopSending() {
    sending = false
    for (const spare of spares) spare.link.close()
    spares = []
    for (const id of [...links.keys()]) closePeer(id)
  }

  /** One more connection made ahead, when the studio keeps fewer than `keptAhead`. */
  function makeSpare() {
    if (!sending || !media || spares.length >= keptAhead) return
    const made = createLink(media)
    spares.push({ ...made, offered: made.link.createOffer().catch(() => {}) })
  }

  /**
   * A customer asking (again) has no working connection: it gets a fresh one, if not too many wait
   * already. Not while its offer is still unanswered: that request crossed the offer (it asked on
   * `broadcaster_ready` just as the offer left), and a new connection would leave the answer that
   * is on its way to be applied to the wrong one. OFFER_TIMEOUT_MS still ends an offer never answered.
   */
  async function offerTo(customerId: string) {
    if (!sending || !media || unanswered.has(customerId)) return
    closePeer(customerId)
    if (unanswered.size >= MAX_UNANSWERED_OFFERS) return
    unanswered.set(customerId, setTimeout(() => closePeer(customerId), OFFER_TIMEOUT_MS))
    // The oldest: it has gathered its candidates longest.
    const ready = spares.shift()
    if (!ready) return sendOffer(customerId, bind(customerId, createLink(media)))
    const link = bind(customerId, ready)
    await ready.offered
    if (links.get(customerId) !== link) return
    // Its offer failed: made again, as for a connection made on request.
    if (!link.awaitingAnswer) return sendOffer(customerId, link)
    // As it is now: with every candidate gathered since it was made.
    await deliverOffer(customerId, link, link.connection.localDescription!.sdp)
  }

  function answered(customerId: string) {
    clearTimeout(unanswered.get(customerId))
    unanswered.delete(customerId)
  }

  async function sendOffer(customerId: string, link: PeerLink, iceRestart = false) {
    const offer = await link.createOffer({ iceRestart })
    // The offer leaves before any ICE candidate can (they are gathered only from here on).
    await deliverOffer(customerId, link, offer.sdp)
  }

  /**
   * The offer to its customer, then the connection's cap and size (its sender exists now), then
   * the others' share of the budget, which this one may have shrunk.
   */
  async function deliverOffer(customerId: string, link: PeerLink, sdp: string | undefined) {
    socket.send({ type: 'webrtc_offer', to: customerId, offer: { type: 'offer', sdp } })
    await fit(link)
    refit()
  }

  /**
   * A connection with the camera's tracks, no one's until `bind`: what it says goes to whoever owns
   * it by then. A candidate gathered while it has no owner is in the offer it is handed out with.
   */
  function createLink(stream: MediaStream): OwnedLink {
    const owner: OwnedLink['owner'] = { customerId: null }
    const link: PeerLink = new PeerLink({
      iceServers,
      maxRestarts: MAX_RESTARTS,
      disconnectedGraceMs: DISCONNECTED_GRACE_MS,
      onCandidate: candidate => owner.customerId && socket.send({ type: 'webrtc_ice_candidate', to: owner.customerId, candidate: candidate as never }),
      onRestart: () => owner.customerId && sendOffer(owner.customerId, link, true),
      onGiveUp: () => owner.customerId && closePeer(owner.customerId),
      onConnectionState: (connection) => {
        if (connection === 'connected') growOnceShown(link)
        if (owner.customerId && links.get(owner.customerId) === link) state.peerStates = { ...state.peerStates, [owner.customerId]: connection }
      },
    })
    starting.add(link)
    link.addTracks(stream)
    return { link, owner }
  }

  /** `made` is `customerId`'s connection from now on. */
  function bind(customerId: string, made: OwnedLink): PeerLink {
    made.owner.customerId = customerId
    links.set(customerId, made.link)
    state.peerStates = { ...state.peerStates, [customerId]: made.link.connectionState }
    return made.link
  }

  async function acceptAnswer(message: ServerMessageOf<'webrtc_answer'>) {
    const link = links.get(message.from)
    if (!link?.awaitingAnswer) return
    const answer = message.answer as RTCSessionDescriptionInit
    const startKbps = Math.min(START_KBPS, QUALITY_PRESETS[quality].videoBitsPerSecond / 1000)
    answered(message.from)
    await link.acceptAnswer({ type: answer.type, sdp: withStartBitrate(answer.sdp ?? '', startKbps) })
  }

  async function addCandidate(message: ServerMessageOf<'webrtc_ice_candidate'>) {
    if (message.candidate) await links.get(message.from)?.addRemoteCandidate(message.candidate)
  }

  function closePeer(customerId: string) {
    answered(customerId)
    const link = links.get(customerId)
    if (!link) return
    links.delete(customerId)
    link.close()
    const { [customerId]: _closed, ...rest } = state.peerStates
    state.peerStates = rest
    // The ones left may send larger pictures again.
    refit()
    makeSpare()
  }

  return { open, close, setMedia, setQuality, startSending, stopSending, sending: () => sending }
}

export type P2pSender = ReturnType<typeof createP2pSender>
