import { randomBytes } from 'node:crypto'
import { RTCPeerConnection, type MediaStreamTrack, type RTCRtpTransceiver } from 'werift'
import { MediaError } from '../backend'
import { h264Startable } from '../common/h264'
import type { CodecChoice } from '../common/codec'
import { PUBLISH_CODECS, peerConfig, type RelayNetwork } from './peer-config'
import { answerOf, applyOffer, connectDeadline, requireIceFragment } from './session-setup'
import { remb } from './rtcp'
import { iceFragmentOf } from '../common/sdp-fragment'
import type { Show } from '../common/show'
import { vp8Info } from '../common/vp8'

/** What the relay tells a publisher it may send, at most (above 1080p's 4.5 Mbit/s preset). */
const MAX_PUBLISH_BITS = 6_000_000
const REMB_EVERY_MS = 1000

/** Trickled candidates, or an ICE restart, from a PATCH; answers the server's fragment for a restart. */
export async function patchIce(pc: RTCPeerConnection, lastOffer: { sdp: string }, text: string): Promise<string | undefined> {
  const fragment = requireIceFragment(text)
  const current = /a=ice-ufrag:(\S+)/.exec(lastOffer.sdp)?.[1]
  let restarted: string | undefined
  if (fragment.ufrag && fragment.pwd && fragment.ufrag !== current) {
    // An ICE restart: the offer again with the new credentials, and a new answer (RFC 9725 4.4.2).
    // Replaced by functions: a replacement string would expand `$'` and the like.
    const { ufrag, pwd } = fragment
    const offer = lastOffer.sdp.replace(/a=ice-ufrag:\S+/g, () => `a=ice-ufrag:${ufrag}`).replace(/a=ice-pwd:\S+/g, () => `a=ice-pwd:${pwd}`)
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer })
      await pc.setLocalDescription(await pc.createAnswer())
    }
    catch {
      throw new MediaError('invalid', 'the ICE restart could not be applied to this session')
    }
    lastOffer.sdp = offer
    restarted = iceFragmentOf(pc.localDescription!.sdp)
  }
  for (const candidate of fragment.candidates) await pc.addIceCandidate(candidate).catch(() => {})
  return restarted
}

export const sessionId = () => randomBytes(16).toString('base64url')

const choiceOf = (transceiver: RTCRtpTransceiver): CodecChoice | undefined => {
  const codec = transceiver.codecs[0]
  return codec && { mimeType: codec.mimeType, clockRate: codec.clockRate, channels: codec.channels, parameters: codec.parameters, payloadType: codec.payloadType }
}

/** What a publisher's session feeds: the show (in the relay's thread), or its stand-in on the ingest thread (ingest-worker.ts). */
export type PublishTarget = Pick<Show, 'newPublisher' | 'receive' | 'codecs' | 'requestKeyframe' | 'sources'>

/** A publisher's session as the relay holds it: here, or on the ingest thread (RemotePublisher). */
export interface Publishing {
  readonly id: string
  readonly state: string
  answer(sdp: string): Promise<string>
  patch(text: string): Promise<string | undefined>
  close(): void
}

/**
 * The host's upload (WHIP): one werift connection whose tracks feed the show. A browser studio
 * sends three simulcast layers (rids l, m, h); OBS sends one (`single`). The relay asks for key
 * frames on the viewers' behalf and tells the publisher how much it may send (REMB).
 */
export class PublisherSession implements Publishing {
  readonly pc: RTCPeerConnection
  private readonly offer = { sdp: '' }
  private rembTimer?: ReturnType<typeof setInterval>
  private cancelDeadline = () => {}
  private closed = false

  constructor(private readonly show: PublishTarget, private readonly network: RelayNetwork, private readonly onGone: (session: PublisherSession) => void, readonly id = sessionId()) {
    this.pc = new RTCPeerConnection(peerConfig(network, { video: PUBLISH_CODECS.video(), audio: PUBLISH_CODECS.audio() }))
  }

  get state() {
    return this.pc.connectionState
  }

  async answer(sdp: string): Promise<string> {
    await applyOffer(this.pc, sdp)
    this.offer.sdp = sdp
    this.show.newPublisher()
    const video = this.pc.getTransceivers().find(transceiver => transceiver.kind === 'video')
    const audio = this.pc.getTransceivers().find(transceiver => transceiver.kind === 'audio')
    if (!video && !audio) throw new MediaError('invalid', 'the offer sends no audio or video')
    for (const transceiver of [video, audio]) if (transceiver) this.listen(transceiver)
    await this.pc.setLocalDescription(await this.pc.createAnswer())
    this.show.codecs = { video: video && choiceOf(video), audio: audio && choiceOf(audio) }
    if (video) {
      this.show.requestKeyframe = ssrc => void video.receiver.sendRtcpPLI(ssrc)
      this.rembTimer = setInterval(() => this.sendRemb(video), REMB_EVERY_MS)
      this.rembTimer.unref?.()
    }
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'failed' || state === 'closed') this.close()
    })
    const answer = answerOf(this.pc.localDescription!.sdp, this.network)
    this.cancelDeadline = connectDeadline(() => this.pc.connectionState, () => this.close())
    return answer
  }

  patch(text: string) {
    return patchIce(this.pc, this.offer, text)
  }

  /** Every track of the transceiver, those it has already (rids from the offer) and those to come. */
  private listen(transceiver: RTCRtpTransceiver) {
    const seen = new Set<MediaStreamTrack>()
    const take = (track: MediaStreamTrack) => {
      if (seen.has(track)) return
      seen.add(track)
      const source = transceiver.kind === 'audio' ? 'audio' : (track.rid ?? 'single')
      const h264 = /h264/i.test(transceiver.codecs[0]?.mimeType ?? '')
      track.onReceiveRtp.subscribe((packet) => {
        if (this.closed) return
        if (source === 'audio') return this.show.receive(source, packet, true)
        if (h264) return this.show.receive(source, packet, h264Startable(packet.payload))
        const info = vp8Info(packet.payload)
        this.show.receive(source, packet, info.keyframe, info.width && info.height ? { width: info.width, height: info.height } : undefined)
      })
    }
    transceiver.receiver.tracks.forEach(take)
    transceiver.onTrack.subscribe(track => take(track))
  }

  private sendRemb(video: RTCRtpTransceiver) {
    const ssrcs = [...this.show.sources.values()].filter(state => state.source !== 'audio').map(state => state.ssrc)
    if (!ssrcs.length || this.closed) return
    const dtls = video.receiver.dtlsTransport
    dtls?.sendRtcp([remb(video.receiver.rtcpSsrc, ssrcs, MAX_PUBLISH_BITS)]).catch(() => {})
  }

  close() {
    if (this.closed) return
    this.closed = true
    clearInterval(this.rembTimer)
    this.cancelDeadline()
    void this.pc.close().catch(() => {})
    this.onGone(this)
  }
}
