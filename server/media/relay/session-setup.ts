// What every relay session (a publisher's or a viewer's, on werift or the native stack) does the
// same way: take the client's offer with errors a client can act on, answer only when the answer
// can work, and give up on a connection that never comes up.
import type { RTCPeerConnection } from 'werift'
import { CONNECT_WITHIN_MS, MediaError, UNUSABLE_OFFER } from '../backend'
import { parseIceFragment, type IceFragment } from '../common/sdp-fragment'
import { announce, type RelayNetwork } from './peer-config'
import { withoutStunQuery } from './werift-no-stun.mjs'

/** What an offer must carry for any WebRTC peer to use it; the first thing missing, in words. */
export function offerProblem(sdp: string): string | undefined {
  if (!/^v=0\r?\n/.test(sdp) || !/\r?\nm=(audio|video) /.test(sdp)) return 'the body is not an SDP offer with audio or video'
  if (!/\r?\na=ice-ufrag:/.test(sdp) || !/\r?\na=ice-pwd:/.test(sdp)) return 'the SDP offer has no ICE credentials (a=ice-ufrag and a=ice-pwd)'
  if (!/\r?\na=fingerprint:/.test(sdp)) return 'the SDP offer has no DTLS fingerprint (a=fingerprint)'
  if (!/\r?\na=rtpmap:/.test(sdp)) return 'the SDP offer names no codec (a=rtpmap)'
  return undefined
}

/** Refuses (400, in words) an offer no WebRTC peer could use, before any stack sees it. */
export function refuseUnusableOffer(sdp: string) {
  const problem = offerProblem(sdp)
  if (problem) throw new MediaError('invalid', problem)
}

/** A PATCH body as an ICE fragment, or a 400 saying what one is. */
export function requireIceFragment(text: string): IceFragment {
  const fragment = parseIceFragment(text)
  if (!fragment) throw new MediaError('invalid', 'the body is not an ICE SDP fragment (RFC 8840): ICE credentials of 4-256 (ufrag) and 22-256 (pwd) ice-chars, and a=candidate lines')
  return fragment
}

/** Applies an SDP from a client; what werift cannot use is a 400 in the offer's terms, never the library's. */
export async function applyOffer(pc: RTCPeerConnection, sdp: string) {
  refuseUnusableOffer(sdp)
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp })
  }
  catch {
    throw new MediaError('invalid', UNUSABLE_OFFER)
  }
  withoutStunQuery(pc)
}

/** Every port of NUXT_MEDIA_PORT_RANGE taken: a 503 for the client, and said in the log. */
export function noPortLeft(network: RelayNetwork): MediaError {
  console.error(`[relay] no UDP port could be bound for a session${network.portRange ? ` (NUXT_MEDIA_PORT_RANGE ${network.portRange.join('-')} is used up)` : ''}`)
  return new MediaError('unavailable', 'the media server has no free port for another connection; try again shortly')
}

/** The answer as the client gets it. An answer without a candidate could never connect: no port was left. */
export function answerOf(sdp: string, network: RelayNetwork): string {
  if (!/\r?\na=candidate:/.test(sdp)) throw noPortLeft(network)
  return announce(sdp, network)
}

/** Closes the session (`close`) unless its connection (`state()`) is up within CONNECT_WITHIN_MS. */
export function connectDeadline(state: () => string, close: () => void): () => void {
  const timer = setTimeout(() => {
    if (state() !== 'connected') close()
  }, CONNECT_WITHIN_MS)
  timer.unref?.()
  return () => clearTimeout(timer)
}
