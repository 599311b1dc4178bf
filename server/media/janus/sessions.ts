// janus mode's sessions (WHIP and WHEP resources) as this process holds them: what a publisher's
// offer can send, a PATCH's trickle or ICE restart, and the sessions that ended by themselves.
import { MediaError, type SessionKind } from '../backend'
import { parseIceFragment } from '../common/sdp-fragment'
import type { MediaServer } from './edges'
import { ask, type JanusHandle } from './janus-link'
import type { PublisherInfo } from './provisioning'
import type { RtpReceiver } from './rtp-receiver'
import { answerForJanus, answerForViewer, firstMid, parseSdp, payloadTypeOf, type ParsedSdp } from './sdp-bridge'

const ENDED_KEPT_MS = 60_000
const ENDED_KEPT_MAX = 10_000

/** A host's WHIP session: its VideoRoom handle and the receiver of what the room forwards for recording. */
export interface Publisher {
  id: string
  handle: JanusHandle
  offer: ParsedSdp
  info: PublisherInfo
  receiver: RtpReceiver
}

/** A customer's WHEP session: its Streaming handle on the origin or an edge. */
export interface Viewer {
  id: string
  handle: JanusHandle
  offer: ParsedSdp
  janusOffer: ParsedSdp
  mountpoint: number
  /** The Janus it watches on: the origin, or an edge. */
  server: MediaServer
}

const mids = (sdp: ParsedSdp, kind: string) => sdp.media.filter(section => section.kind === kind && section.port !== 0)
  .map(section => section.lines.find(line => line.startsWith('a=mid:'))?.slice(6)).filter((mid): mid is string => !!mid)
const simulcast = (sdp: ParsedSdp) => sdp.media.some(section => section.kind === 'video' && section.lines.some(line => line.startsWith('a=simulcast:')))

/** What the VideoRoom will take from a publisher's offer: VP8 first (browsers), else H.264 (encoders such as OBS), and Opus. */
export function infoOf(offer: ParsedSdp): PublisherInfo | undefined {
  const video = offer.media.find(section => section.kind === 'video' && section.port !== 0)
  const [videoMid] = mids(offer, 'video')
  if (!video || videoMid === undefined) return undefined
  const codec = payloadTypeOf(video, 'vp8') !== undefined ? 'vp8' : payloadTypeOf(video, 'h264') !== undefined ? 'h264' : undefined
  if (!codec) return undefined
  return { codec, videoMid, audioMid: mids(offer, 'audio')[0], simulcast: simulcast(offer) }
}

/** Sessions that ended by themselves (a hangup) lately: their DELETE still succeeds. */
export class EndedSessions {
  private readonly ended = new Map<string, number>()

  add(sessionId: string) {
    const now = Date.now()
    this.ended.set(sessionId, now)
    for (const [id, at] of this.ended) {
      if (now - at < ENDED_KEPT_MS && this.ended.size <= ENDED_KEPT_MAX) break
      this.ended.delete(id)
    }
  }

  lately(sessionId: string) {
    return Date.now() - (this.ended.get(sessionId) ?? 0) < ENDED_KEPT_MS
  }
}

/** Trickled candidates from a PATCH, for a handle whose candidates go under `mid`. */
async function trickle(handle: JanusHandle, mid: string, fragment: ReturnType<typeof parseIceFragment> & object) {
  for (const { candidate } of fragment.candidates) await handle.trickle({ candidate, sdpMid: mid, sdpMLineIndex: 0 })
  if (fragment.endOfCandidates) await handle.trickleComplete()
}

/** ICE credentials in an SDP, replaced (an ICE restart's offer is the first offer with new ones). */
const withCredentials = (sdp: ParsedSdp, ufrag: string, pwd: string): ParsedSdp => {
  const swap = (line: string) => line.startsWith('a=ice-ufrag:') ? `a=ice-ufrag:${ufrag}` : line.startsWith('a=ice-pwd:') ? `a=ice-pwd:${pwd}` : line
  return { session: sdp.session.map(swap), media: sdp.media.map(section => ({ ...section, lines: section.lines.filter(line => !line.startsWith('a=candidate:')).map(swap) })) }
}
const fragmentOf = (sdp: string) => sdp.split('\r\n').filter(line => /^a=(ice-ufrag|ice-pwd|candidate|end-of-candidates)/.test(line)).join('\r\n') + '\r\n'

/**
 * A PATCH on a session: trickled candidates, or an ICE restart (a fragment with new credentials),
 * answered with Janus's new fragment.
 */
export async function patchSession(current: Publisher | Viewer, kind: SessionKind, text: string): Promise<string | undefined> {
  const fragment = parseIceFragment(text)
  if (!fragment) throw new MediaError('invalid', 'the body must be an SDP fragment (application/trickle-ice-sdpfrag)')
  const restart = fragment.ufrag && fragment.pwd && !current.offer.media.some(section => section.lines.includes(`a=ice-ufrag:${fragment.ufrag}`))
    && !current.offer.session.includes(`a=ice-ufrag:${fragment.ufrag}`)
  if (!restart) {
    const mid = kind === 'publisher' ? (current as Publisher).info.videoMid : firstMid((current as Viewer).janusOffer)
    await trickle(current.handle, mid, fragment).catch(() => {})
    return undefined
  }
  current.offer = withCredentials(current.offer, fragment.ufrag!, fragment.pwd!)
  const offerText = `${[...current.offer.session, ...current.offer.media.flatMap(section => [`m=${section.kind} 9 UDP/TLS/RTP/SAVPF ${section.formats.join(' ')}`, ...section.lines])].join('\r\n')}\r\n`
  if (kind === 'publisher') {
    const { jsep } = await ask(current.handle, { request: 'configure' }, { type: 'offer', sdp: offerText })
    if (!jsep) throw new MediaError('invalid', 'the media server did not restart ICE')
    await trickle(current.handle, (current as Publisher).info.videoMid, fragment).catch(() => {})
    return fragmentOf(jsep.sdp)
  }
  const viewer = current as Viewer
  const { jsep } = await ask(viewer.handle, { request: 'watch', id: viewer.mountpoint, restart: true })
  if (!jsep) throw new MediaError('invalid', 'the media server did not restart ICE')
  viewer.janusOffer = parseSdp(jsep.sdp)
  await ask(viewer.handle, { request: 'start' }, { type: 'answer', sdp: answerForJanus(viewer.janusOffer, viewer.offer) })
  await trickle(viewer.handle, firstMid(viewer.janusOffer), fragment).catch(() => {})
  return fragmentOf(answerForViewer(viewer.offer, viewer.janusOffer))
}
