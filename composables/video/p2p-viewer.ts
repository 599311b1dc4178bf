import type { ServerMessageOf } from '#shared/schemas/socket'
import type { EarlyP2p } from '../../utils/early-p2p'
import type { ViewerVideo, ViewerVideoOptions } from './types'
import { ViewerLink } from './viewer-link'

/** A request no offer answered (a studio that is connected but not sending): ask again. */
const NO_OFFER_MS = 8000

/**
 * The customer's side of peer-to-peer video: asks the studio for video (`webrtc_new_customer`)
 * when the show is live, answers its offer, and plays the studio's stream. A connection that gives
 * up, or a studio that comes back, leads to a new request, with backoff after failures, until
 * video flows.
 */
export function createP2pViewer({ socket, iceServers, picture }: ViewerVideoOptions): ViewerVideo {
  let studioId: string | null = null
  /** Candidates that arrived before the offer they belong to, by the studio that sent them. */
  let early: Array<{ from: string, candidate: RTCIceCandidateInit }> = []
  let unsubscribe: Array<() => void> = []
  const links = new ViewerLink({
    picture,
    iceServers,
    again: () => ask(),
    onGiveUp: () => (early = []),
    onClose: () => (studioId = null),
  })

  /** The page's early connection (or its request still unanswered), taken over when the room says the show is live. */
  let adopted: EarlyP2p | undefined

  // p2p waits for the room, whatever the page knows: the studio answers through it.
  function open({ early }: { live: boolean, early?: EarlyP2p }) {
    close()
    adopted = early
    unsubscribe = [
      socket.on('webrtc_offer', message => void acceptOffer(message)),
      socket.on('webrtc_ice_candidate', message => void addCandidate(message)),
      socket.on('broadcaster_ready', message => studioReady(message.from)),
      socket.on('stream_started', () => start()),
      socket.on('stream_stopped', () => stop()),
      socket.on('error', (message) => {
        if (message.ref === 'webrtc_new_customer' && message.code === 'NOT_FOUND' && links.wanted()) picture.state = 'waiting'
      }),
    ]
  }

  function close() {
    unsubscribe.forEach(stop => stop())
    unsubscribe = []
    stop()
  }

  function start() {
    if (picture.state === 'off') picture.state = 'connecting'
    if (!takeOver()) ask()
  }

  /**
   * The page's early script asked the studio already: its connection is this viewer's now, or,
   * with no offer yet, the offer that comes is awaited as if this viewer had asked. Asking again
   * would have the studio drop the connection it made.
   */
  function takeOver(): boolean {
    const early = adopted
    adopted = undefined
    if (!early?.asked) return false
    if (!early.pc || !early.studioId) {
      links.retry.after(NO_OFFER_MS, () => !links.current && ask())
      return true
    }
    links.open({ connection: early.pc, onCandidate: sendCandidate })
    studioId = early.studioId
    return true
  }

  /**
   * The studio (re)connected: if video is not flowing, ask it now. Not when this page's connection
   * with that same studio is still coming up: the studio registers as it goes live, when pages
   * that saw the show start may have asked and answered already, and asking again would have it
   * drop the connection it just made for one the page takes for an ICE restart (seen: the
   * picture 7 s later). A studio that came back on another socket is another `from`.
   */
  function studioReady(from: string) {
    if (!links.wanted() || picture.state === 'playing') return
    if (from === studioId && links.current && links.current.phase !== 'gave-up') return
    ask()
  }

  function sendCandidate(candidate: RTCIceCandidateInit | null) {
    if (studioId) socket.send({ type: 'webrtc_ice_candidate', to: studioId, candidate: candidate as never })
  }

  function stop() {
    links.retry.cancel()
    links.close()
    picture.state = 'off'
  }

  /** Asks the studio for video now; if no offer comes, the studio is not sending: wait, and ask again. */
  function ask() {
    links.retry.cancel()
    if (!links.wanted()) return
    socket.send({ type: 'webrtc_register', userType: 'customer' })
    socket.send({ type: 'webrtc_new_customer' })
    links.retry.after(NO_OFFER_MS, () => {
      if (links.current) return
      picture.state = 'waiting'
      ask()
    })
  }

  async function acceptOffer(message: ServerMessageOf<'webrtc_offer'>) {
    if (!links.wanted()) return
    links.retry.cancel()
    if (picture.state !== 'playing') picture.state = 'connecting'
    // An offer from the same studio on a live connection is an ICE restart: answered on that connection.
    let link = links.current
    if (!link || studioId !== message.from || link.phase === 'gave-up') link = links.open({ onCandidate: sendCandidate })
    studioId = message.from
    for (const { candidate } of early.filter(pending => pending.from === message.from)) await link.addRemoteCandidate(candidate)
    early = []
    const answer = await link.acceptOffer(message.offer as RTCSessionDescriptionInit)
    socket.send({ type: 'webrtc_answer', to: message.from, answer: answer as { type: 'answer', sdp?: string } })
  }

  async function addCandidate(message: ServerMessageOf<'webrtc_ice_candidate'>) {
    if (!message.candidate) return
    if (links.current && message.from === studioId) await links.current.addRemoteCandidate(message.candidate)
    // Its offer is still on the way: kept for that offer.
    else early.push({ from: message.from, candidate: message.candidate })
  }

  return { open, start, close }
}
