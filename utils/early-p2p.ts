// The first frame must not wait for the page's JavaScript (PROTOCOL.md, "First frame"), in p2p
// mode too, where the studio's own browser sends the video: for a show the server renders as
// live, the page's HTML carries a small inline script (earlyP2pScript) that opens the room's
// socket, registers, asks the studio for video and answers its offer while the app's bundle is
// still on its way; the picture goes to the server-rendered <video data-early-video>. When the room
// mounts, the live socket adopts that socket with what it heard (useLiveSocket's adopt) and the p2p
// viewer adopts the connection (composables/video/p2p-viewer.ts) instead of asking again: asking
// again, or registering again, would make the studio drop the connection it made.

import { EARLY_P2P_KEY } from '#shared/utils/early-entry'
import type { ServerMessage } from '#shared/schemas/socket'
import { scriptSafeJson } from '#shared/utils/script-json'
import { currentEmbedToken } from './embed-auth'
import { earlyProgress } from './early-picture'
import { peekEarlySession, takeEarlySession } from './early-session'
import { SESSION_KEY, viewerSessionId } from './viewer-session'

/** What the inline script leaves on `window` for the room to adopt. */
export interface EarlyP2p {
  livestreamId: string
  socket: WebSocket
  /** The viewer session id it registered with. */
  sessionId: string
  /** Every frame the socket heard that the script did not consume (the room's state, chat), in order. */
  heard: ServerMessage[]
  /** It asked the studio for video (with its registration; false again if the show was not live by then). */
  asked: boolean
  /** The connection answering the studio's offer, and the studio's connection id, once an offer came. */
  pc?: RTCPeerConnection
  studioId?: string
  /** The connection made ahead for the offer, until one comes (then it is `pc`). */
  spare?: RTCPeerConnection
  /** Settles once the early player shows its first frame, or the session gave up. */
  pictured: Promise<void>
  /** Settles once its connection is up (the candidates it trickles on the socket have done their work), or it gave up. */
  signaled: Promise<void>
  startedAt: number
}

/**
 * Runs in the page before anything else (serialized by earlyP2pScript): plain browser APIs only,
 * nothing from the app, and the page reached through `globalThis`. It does the customer's side of
 * PROTOCOL.md's p2p signaling for the first offer only; everything after (a second offer, a
 * restart, a studio that comes back) is the p2p viewer's, once it adopts.
 */
function startEarlyP2p(livestreamId: string, iceServers: RTCIceServer[], sessionKey: string, key: string, progressOf: typeof earlyProgress, signedInKey: string | null) {
  const page = globalThis as unknown as Window & Record<string, unknown>
  try {
    let signedIn = false
    try {
      signedIn = !!signedInKey && !!page.sessionStorage.getItem(signedInKey)
    }
    catch {
      // Storage refused: no token kept, so nobody is signed in here.
    }
    // The app signs this frame's socket with a ticket of its own (useLiveSocket): it opens it.
    if (signedIn) return
    const startedAt = performance.now()
    let sessionId: string | null = null
    try {
      sessionId = page.localStorage.getItem(sessionKey)
      if (!sessionId) page.localStorage.setItem(sessionKey, sessionId = crypto.randomUUID())
    }
    catch {
      sessionId ??= crypto.randomUUID()
    }
    const { pictured, signaled, settle, follow } = progressOf('p2p')
    // The page was rendered live: the registration and the request for video are in the socket's
    // address, handled by the server as the socket's first frames as soon as it accepts it, while
    // this page is still laying itself out and has not seen its `open` event
    // (server/realtime/opening-frames.ts).
    const opening = new URLSearchParams({ register: livestreamId, session: sessionId, video: 'p2p' })
    const socket = new WebSocket(`${page.location.protocol === 'https:' ? 'wss' : 'ws'}://${page.location.host}/_ws?${opening}`)
    // Made while the socket opens and the studio makes its offer, as a bare page makes its own
    // before it signals. Made once the offer came, it was part of the turn of the main thread that
    // answered (38-48 ms in the page's long animation frames, four joins), on the way to the picture.
    const spare = new RTCPeerConnection({ iceServers })
    const early: Record<string, unknown> & { heard: unknown[], pc?: RTCPeerConnection, studioId?: string, spare?: RTCPeerConnection } = { livestreamId, socket, sessionId, heard: [], asked: true, pictured, signaled, startedAt, spare }
    const send = (message: unknown) => socket.send(JSON.stringify(message))
    /** The studio's candidates that came before its offer. */
    const waiting: RTCIceCandidateInit[] = []
    socket.onclose = () => settle()
    socket.onmessage = (event) => {
      let message: { type: string, from?: string, offer?: RTCSessionDescriptionInit, candidate?: RTCIceCandidateInit | null, livestream?: { status: string } }
      try {
        message = JSON.parse(String(event.data))
      }
      catch {
        return
      }
      if (message.type === 'webrtc_offer' && !early.pc) return void answer(message.from!, message.offer!)
      if (message.type === 'webrtc_ice_candidate' && message.candidate && (!early.pc || message.from === early.studioId)) {
        if (early.pc) early.pc.addIceCandidate(message.candidate).catch(() => {})
        else waiting.push(message.candidate)
        return
      }
      early.heard.push(message)
      // Refused (the studio is not there yet, the show is over): no picture is coming soon, and
      // the app, which says why and asks again, need not wait for one.
      if (message.type === 'error') settle()
      // The show ended between the render and the registration: the request was refused, and the
      // app asks when it is live again.
      if (message.type === 'registered' && message.livestream?.status !== 'live') early.asked = false
    }
    const answer = (from: string, offer: RTCSessionDescriptionInit) => {
      performance.mark('wrencos:p2p-offer')
      const pc = early.spare ?? new RTCPeerConnection({ iceServers })
      early.spare = undefined
      early.pc = pc
      early.studioId = from
      pc.onicecandidate = ({ candidate }) => candidate && send({ type: 'webrtc_ice_candidate', to: from, candidate: candidate.toJSON() })
      follow(pc)
      // Called together, not one after another: the connection runs them in order itself, while
      // each step awaited here would first wait for the page's main thread, busy laying the page
      // out just then (an answer took 190 ms here against the bare page's 57).
      pc.setRemoteDescription(offer).catch(() => settle())
      for (const candidate of waiting.splice(0)) pc.addIceCandidate(candidate).catch(() => {})
      pc.setLocalDescription()
        .then(() => {
          // An answer only if the offer was taken (otherwise this made an offer of its own).
          if (pc.localDescription?.type === 'answer') send({ type: 'webrtc_answer', to: from, answer: { type: 'answer', sdp: pc.localDescription.sdp } })
        })
        .catch(() => settle())
    }
    page[key] = early
  }
  catch {
    // No WebSocket or WebRTC here: the room opens its own and says why.
  }
}

/**
 * The inline script for a live p2p show's page: its id and the ICE servers, escaped for a <script>.
 * `signedInKey`: a sessionStorage key (the embedded player's token) whose presence leaves the socket to the app.
 */
export function earlyP2pScript(livestreamId: string, iceServers: RTCIceServer[], signedInKey?: string): string {
  return `(${startEarlyP2p.toString()})(${scriptSafeJson(livestreamId)},${scriptSafeJson(iceServers)},${scriptSafeJson(SESSION_KEY)},${scriptSafeJson(EARLY_P2P_KEY)},${earlyProgress.toString()},${scriptSafeJson(signedInKey ?? null)})`
}

/**
 * The early session for `livestreamId`, taken once, with its socket still open (a second call,
 * another show's page, a socket that closed, or an embedded player whose guest signed in since,
 * gets none; what it made is let go).
 */
export function takeEarlyP2p(livestreamId: string): EarlyP2p | undefined {
  // A connection still made ahead means no offer came: whether the room takes the session or lets
  // it go, the room's viewer answers the next offer on a connection of its own.
  const pending = peekEarlySession<EarlyP2p>(EARLY_P2P_KEY)
  pending?.spare?.close()
  if (pending) pending.spare = undefined
  return takeEarlySession<EarlyP2p>(EARLY_P2P_KEY,
    early => early.livestreamId === livestreamId && early.socket.readyState === WebSocket.OPEN && early.sessionId === viewerSessionId() && !currentEmbedToken(),
    (early) => {
      early.pc?.close()
      early.socket.close(1000)
    })
}
