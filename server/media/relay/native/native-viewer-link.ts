import { randomInt } from 'node:crypto'
import type { Audio, PeerConnection, Track, Video } from 'node-datachannel'
import type { RtpPacket } from 'werift'
import { MediaError, UNUSABLE_OFFER } from '../../backend'
import type { CodecChoice } from '../../common/codec'
import type { Show } from '../../common/show'
import type { RelayNetwork } from '../peer-config'
import { answerOf, noPortLeft, refuseUnusableOffer, requireIceFragment } from '../session-setup'
import { NOTHING_TO_RECEIVE, type ViewerLink, type ViewerLinkEvents } from '../viewer-link'
import { offeredMedia, payloadTypeFor } from './offer-media'
import { readFeedback, senderReport } from './rtcp-wire'
import { rtpBytes } from './rtp-wire'

export type NativeStack = typeof import('node-datachannel')

/** Packets kept per track for resending on NACK: about a second of 720p video. */
const NACK_CACHE = 512
/** How often each track says where its clock stands (a sender report): browsers line audio up with video by them. */
const REPORT_EVERY_MS = 1000
/** Host candidates are gathered in milliseconds; past this the answer goes with what it has. */
const GATHER_WITHIN_MS = 2000
const CNAME = 'wrencos-relay'
const STREAM = 'wrencos-show'

interface SendingTrack {
  track: Track
  ssrc: number
  payloadType: number
  clockRate: number
  /** The viewer's id for abs-send-time, when it offered it (its bandwidth estimate needs it for REMB). */
  extensionId?: number
  packets: number
  octets: number
  last?: { ts: number, at: number }
  /** Open for media: DTLS-SRTP keyed, which the library tells after the connection is up. */
  open: boolean
  /** The library closed it (the viewer left) before its state change reached this thread: nothing more is sent. */
  gone?: true
}

/**
 * A viewer's connection on libdatachannel (node-datachannel): ICE, DTLS and SRTP in native code,
 * the handshakes on its own threads, so a crowd connecting does not stall the relay's forwarding
 * and each packet costs a copy and a native call. The session's packets go out as bytes with this
 * viewer's SSRC and payload type; NACKs are answered natively (RtcpNackResponder); the viewer's
 * PLI, REMB and reports are read here (rtcp-wire.ts).
 */
export class NativeViewerLink implements ViewerLink {
  private readonly pc: PeerConnection
  private readonly tracks: Partial<Record<'video' | 'audio', SendingTrack>> = {}
  private readonly latest = { estimate: 0, fractionLost: 0 }
  private reportTimer?: ReturnType<typeof setInterval>
  /** The connection's own state; `state` holds 'connected' back until every track is open too. */
  private connection = 'new'
  state = 'new'

  constructor(private readonly native: NativeStack, private readonly codecs: Show['codecs'], private readonly network: RelayNetwork, private readonly events: ViewerLinkEvents) {
    const range = network.portRange
    this.pc = new native.PeerConnection('wrencos-viewer', { iceServers: [], ...(range ? { portRangeBegin: range[0], portRangeEnd: range[1] } : {}) })
    this.pc.onStateChange((state) => {
      this.connection = state
      this.settle()
    })
  }

  /**
   * Tells the session the state it can act on. The connection is up a moment before its tracks
   * open: a picture sent in between is refused by the library, and the viewer would wait for the
   * next key frame instead of starting from the cached one.
   */
  private settle() {
    if (this.state === 'closed') return
    const tracks = Object.values(this.tracks)
    const state = this.connection === 'connected' && !tracks.every(sending => sending?.open) ? 'connecting' : this.connection
    if (state === this.state) return
    this.state = state
    this.events.state(state)
  }

  async answer(offer: string) {
    refuseUnusableOffer(offer)
    const media = offeredMedia(offer)
    for (const kind of ['video', 'audio'] as const) {
      const codec = this.codecs?.[kind]
      const section = codec && media.find(entry => entry.kind === kind && entry.receives && payloadTypeFor(entry, codec) !== undefined)
      if (!codec || !section) continue
      this.tracks[kind] = this.addTrack(kind, section.mid, codec, payloadTypeFor(section, codec)!, section.absSendTimeId)
    }
    if (!this.tracks.video && !this.tracks.audio) throw new MediaError('invalid', NOTHING_TO_RECEIVE)
    const gathered = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, GATHER_WITHIN_MS)
      this.pc.onGatheringStateChange(state => state === 'complete' && (clearTimeout(timer), resolve()))
    })
    try {
      // The relay takes DTLS's passive role, as Janus does: the viewer's first flight goes out once
      // its own ICE is up. Active, the relay's ClientHello can arrive before a viewer listens for
      // it and wait out DTLS's 1 s retransmission (seen with werift viewers: 1 s to connect).
      this.pc.setRemoteDescription(offer.replace(/^a=setup:actpass(?=\r?$)/gm, 'a=setup:active'), 'offer')
    }
    catch (error) {
      // libjuice binds the session's one UDP port while it gathers: none left in the range.
      if (/gather/i.test((error as Error).message)) throw noPortLeft(this.network)
      throw new MediaError('invalid', UNUSABLE_OFFER)
    }
    await gathered
    const sdp = this.pc.localDescription()?.sdp ?? ''
    this.reportTimer = setInterval(() => this.report(), REPORT_EVERY_MS)
    this.reportTimer.unref?.()
    return { sdp: answerOf(this.withLoopback(sdp), this.network), video: !!this.tracks.video, audio: !!this.tracks.audio }
  }

  private addTrack(kind: 'video' | 'audio', mid: string, codec: CodecChoice, payloadType: number, extensionId: number | undefined): SendingTrack {
    const description: Video | Audio = kind === 'video' ? new this.native.Video(mid, 'SendOnly') : new this.native.Audio(mid, 'SendOnly')
    const name = codec.mimeType.split('/')[1]!
    // The binding takes a profile only as a string: none is left out, not passed as undefined.
    const profile = codec.parameters ? [codec.parameters] as const : [] as const
    if (description instanceof this.native.Video) description.addVideoCodec(payloadType, name, ...profile)
    else description.addAudioCodec(payloadType, name, ...profile)
    if (extensionId) description.parseSdpLine(`a=extmap:${extensionId} http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time`)
    const ssrc = randomInt(1, 0xFFFFFFFF)
    description.addSSRC(ssrc, CNAME, STREAM, `${STREAM}-${kind}`)
    const track = this.pc.addTrack(description)
    track.setMediaHandler(new this.native.RtcpNackResponder(NACK_CACHE))
    track.onMessage(data => this.heard(data))
    const sending: SendingTrack = { track, ssrc, payloadType, clockRate: codec.clockRate, extensionId, packets: 0, octets: 0, open: false }
    track.onOpen(() => {
      sending.open = true
      this.settle()
    })
    return sending
  }

  /** What the viewer's RTCP says: a lost picture now; its estimate and loss for the next adaptation. */
  private heard(data: Buffer) {
    const video = this.tracks.video
    if (!video) return
    const feedback = readFeedback(data, video.ssrc)
    if (feedback.estimate !== undefined) this.latest.estimate = feedback.estimate
    if (feedback.fractionLost !== undefined) this.latest.fractionLost = feedback.fractionLost
    if (feedback.pictureLoss) this.events.pictureLoss()
  }

  /**
   * A candidate at 127.0.0.1 on each host candidate's port (libjuice binds every address but names
   * only the machine's own): for a viewer on the relay's machine (RelayNetwork.loopback).
   */
  private withLoopback(sdp: string) {
    if (!this.network.loopback) return sdp
    return sdp.replace(/^a=candidate:(\S+) (\d) (UDP|udp) (\d+) (\d{1,3}(?:\.\d{1,3}){3}) (\d+) typ host(.*)$/m, (line, foundation, component, transport, priority, _address, port) =>
      `${line}\r\na=candidate:${foundation}l ${component} ${transport} ${Math.max(1, Number(priority) - 1)} 127.0.0.1 ${port} typ host`)
  }

  async patch(text: string) {
    const fragment = requireIceFragment(text)
    const current = /a=ice-ufrag:(\S+)/.exec(this.pc.remoteDescription()?.sdp ?? '')?.[1]
    if (fragment.ufrag && fragment.ufrag !== current) throw new MediaError('conflict', 'this relay does not restart a viewer\'s ICE: open a new WHEP session instead')
    const mid = this.tracks.video?.track.mid() ?? this.tracks.audio?.track.mid() ?? '0'
    for (const { candidate, sdpMid } of fragment.candidates) {
      try {
        this.pc.addRemoteCandidate(candidate, sdpMid ?? mid)
      }
      catch {
        // A candidate it cannot use (an unresolvable name, say) is skipped, as a browser skips one.
      }
    }
    return undefined
  }

  send(kind: 'video' | 'audio', packet: RtpPacket) {
    const sending = this.tracks[kind]
    if (!sending || sending.gone || this.state !== 'connected') return
    const { sequenceNumber: seq, timestamp: ts, marker } = packet.header
    const at = Date.now()
    try {
      sending.track.sendMessageBinary(rtpBytes({ seq, ts, marker, ssrc: sending.ssrc, payloadType: sending.payloadType }, packet, sending.extensionId, at))
    }
    catch {
      // Closed under it (it was open: state waits for that). The state change follows, but a
      // thread that is behind hears it late, and every send until then would throw (seen: 13,000
      // in 10 s, each an Error made and thrown).
      sending.gone = true
      return
    }
    sending.packets++
    sending.octets += packet.payload.length
    sending.last = { ts, at }
  }

  /** A sender report for each track that has sent: its clock now, from its last packet and the time since. */
  private report() {
    if (this.state !== 'connected') return
    const now = Date.now()
    for (const sending of Object.values(this.tracks)) {
      if (!sending?.last) continue
      const ts = sending.last.ts + Math.round(((now - sending.last.at) * sending.clockRate) / 1000)
      try {
        sending.track.sendMessageBinary(senderReport(sending.ssrc, ts, sending.packets, sending.octets, now))
      }
      catch {
        return
      }
    }
  }

  feedback() {
    return { ...this.latest }
  }

  close() {
    if (this.state === 'closed') return
    this.state = 'closed'
    clearInterval(this.reportTimer)
    // Tracks first, each explicitly: one left to the garbage collector releases its callbacks while
    // its thread is torn down, and on Node 24 that deadlocks the thread (seen at every shutdown).
    for (const sending of Object.values(this.tracks)) {
      try {
        sending?.track.close()
      }
      catch {
        // Closed with its connection already.
      }
    }
    try {
      this.pc.close()
    }
    catch {
      // Already closed by the library (a failed connection).
    }
  }
}
