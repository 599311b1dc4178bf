import { RTCPeerConnection, type RTCRtpTransceiver, type RtpPacket } from 'werift'
import { MediaError } from '../backend'
import type { Show } from '../common/show'
import { codecOf, peerConfig, type RelayNetwork } from './peer-config'
import { patchIce } from './publisher'
import { answerOf, applyOffer } from './session-setup'
import { NOTHING_TO_RECEIVE, type ViewerLink, type ViewerLinkEvents } from './viewer-link'

/**
 * A viewer's connection on werift: ICE, DTLS and SRTP in JavaScript on the relay's thread. Lost
 * packets are resent from werift's sender cache when the viewer NACKs.
 */
export class WeriftViewerLink implements ViewerLink {
  private readonly pc: RTCPeerConnection
  private readonly offer = { sdp: '' }
  private readonly transceivers: Partial<Record<'video' | 'audio', RTCRtpTransceiver>> = {}

  constructor(private readonly codecs: Show['codecs'], private readonly network: RelayNetwork, private readonly events: ViewerLinkEvents) {
    this.pc = new RTCPeerConnection(peerConfig(network, {
      video: codecs?.video ? [codecOf(codecs.video)] : [],
      audio: codecs?.audio ? [codecOf(codecs.audio)] : [],
    }))
    this.pc.connectionStateChange.subscribe(state => events.state(state))
  }

  get state() {
    return this.pc.connectionState
  }

  async answer(sdp: string) {
    await applyOffer(this.pc, sdp)
    this.offer.sdp = sdp
    for (const transceiver of this.pc.getTransceivers()) {
      transceiver.setDirection('sendonly')
      if (transceiver.kind === 'video' && this.codecs?.video) this.transceivers.video = transceiver
      if (transceiver.kind === 'audio' && this.codecs?.audio) this.transceivers.audio = transceiver
    }
    const { video, audio } = this.transceivers
    if (!video && !audio) throw new MediaError('invalid', NOTHING_TO_RECEIVE)
    video?.sender.onPictureLossIndication.subscribe(() => this.events.pictureLoss())
    await this.pc.setLocalDescription(await this.pc.createAnswer())
    return { sdp: answerOf(this.pc.localDescription!.sdp, this.network), video: !!video, audio: !!audio }
  }

  patch(text: string) {
    return patchIce(this.pc, this.offer, text)
  }

  send(kind: 'video' | 'audio', packet: RtpPacket) {
    if (this.pc.connectionState !== 'connected') return
    this.transceivers[kind]?.sender.sendRtp(packet).catch(() => {})
  }

  feedback() {
    const sender = this.transceivers.video?.sender as unknown as { receiverEstimatedMaxBitrate?: bigint, remoteFractionLost?: number } | undefined
    return { estimate: Number(sender?.receiverEstimatedMaxBitrate ?? 0n), fractionLost: sender?.remoteFractionLost ?? 0 }
  }

  close() {
    void this.pc.close().catch(() => {})
  }
}
