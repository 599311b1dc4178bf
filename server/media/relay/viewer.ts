import { RTCPeerConnection, type RTCRtpTransceiver, type RtpPacket } from 'werift'
import { Forwarder, type SourcePacket } from '../common/forwarder'
import { codecOf, peerConfig, type RelayNetwork } from './peer-config'
import { MediaError } from '../backend'
import { patchIce, sessionId } from './publisher'
import { answerOf, applyOffer, connectDeadline } from './session-setup'
import type { Show, Sink, SourceState } from '../common/show'

/** How often a viewer's layer is reconsidered, and how long after a step up before another. */
const ADAPT_EVERY_MS = 1000
const STEP_UP_AFTER_MS = 4000
/** A viewer losing more than this of what it is sent (its receiver reports) steps down a layer. */
const LOSS_STEP_DOWN = 0.08
/** A layer fits a viewer whose estimate is this much above the layer's bitrate. */
const HEADROOM = 1.15
/** Where a new viewer starts when its estimate is not known yet: a layer that starts fast everywhere. */
const START_BITS = 1_200_000
/**
 * The cached picture goes out this many packets at a time, every CATCH_UP_EVERY_MS (about 8,000
 * packets a second, 20 times a 720p layer): a second of video in a few tens of ms, without a
 * burst that a socket buffer or a home router would drop.
 */
const CATCH_UP_BATCH = 16
/** A cached picture that spans more than this (its key frame is older) is renewed for the next viewer. */
const LONG_PICTURE_MS = 1000
const CATCH_UP_EVERY_MS = 2

/** The layer a viewer with this estimate (bits/s; 0 = not known yet) should get, of those sending now. */
export function fittingLayer(layers: SourceState[], estimate: number): SourceState | undefined {
  if (!layers.length) return undefined
  const budget = estimate > 0 ? estimate : START_BITS
  const fitting = layers.filter(layer => layer.bitrate * HEADROOM <= budget)
  return fitting.at(-1) ?? layers[0]
}

/**
 * One viewer (WHEP): a werift connection sending the show's audio and the one video layer that
 * fits what the viewer's connection carries, judged from its receiver's feedback (REMB, and loss
 * in its reports). It starts the moment it connects, from the show's cached picture of its layer
 * (the latest key frame and the packets since), renumbered into its own stream; only when none is
 * cached is the publisher asked for a key frame. A key frame is asked for again whenever it
 * reports loss of a picture (PLI). Lost packets are resent from werift's sender cache when it NACKs.
 */
export class ViewerSession implements Sink {
  readonly id = sessionId()
  readonly pc: RTCPeerConnection
  private video?: RTCRtpTransceiver
  private videoForwarder?: Forwarder
  private audioForwarder?: Forwarder
  private readonly offer = { sdp: '' }
  private adaptTimer?: ReturnType<typeof setInterval>
  private steppedUpAt = 0
  /** Video packets waiting their turn while the cached picture is sent (the live ones queue behind it). */
  private backlog?: { packets: SourcePacket[], next: number }
  private cancelDeadline = () => {}
  private closed = false

  constructor(private readonly show: Show, private readonly network: RelayNetwork, private readonly onGone: (session: ViewerSession) => void, private readonly now = Date.now) {
    const codecs = show.codecs
    this.pc = new RTCPeerConnection(peerConfig(network, {
      video: codecs?.video ? [codecOf(codecs.video)] : [],
      audio: codecs?.audio ? [codecOf(codecs.audio)] : [],
    }))
  }

  get state() {
    return this.pc.connectionState
  }

  /** The layer it gets now (or waits for), for stats. */
  get layer() {
    return this.videoForwarder?.following ?? this.videoForwarder?.target
  }

  async answer(sdp: string): Promise<string> {
    await applyOffer(this.pc, sdp)
    this.offer.sdp = sdp
    for (const transceiver of this.pc.getTransceivers()) {
      transceiver.setDirection('sendonly')
      if (transceiver.kind === 'video' && this.show.codecs?.video) this.video = transceiver
      if (transceiver.kind === 'audio' && this.show.codecs?.audio) {
        this.audioForwarder = new Forwarder('audio', this.show.codecs.audio.clockRate, packet => this.send(transceiver, packet))
      }
    }
    if (!this.video && !this.audioForwarder) throw new MediaError('invalid', 'the offer receives neither the show\'s audio nor its video')
    if (this.video) {
      const video = this.video
      const start = fittingLayer(this.show.viewableVideo(), 0)?.source ?? 'single'
      this.videoForwarder = new Forwarder(start, 90000, packet => this.send(video, packet))
      video.sender.onPictureLossIndication.subscribe(() => this.show.keyframe(this.videoForwarder!.following ?? this.videoForwarder!.target))
    }
    await this.pc.setLocalDescription(await this.pc.createAnswer())
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') this.startPicture()
      if (state === 'failed' || state === 'closed') this.close()
    })
    const answer = answerOf(this.pc, this.network)
    this.show.sinks.add(this)
    this.adaptTimer = setInterval(() => this.adapt(), ADAPT_EVERY_MS)
    this.adaptTimer.unref?.()
    this.cancelDeadline = connectDeadline(this.pc, () => this.close())
    return answer
  }

  patch(text: string) {
    return patchIce(this.pc, this.offer, text)
  }

  /** Connected: the cached picture of its layer at once, or (none cached) a key frame asked for now rather than at the publisher's next one. */
  private startPicture() {
    const forwarder = this.videoForwarder
    if (!forwarder || forwarder.following) return
    const picture = this.show.cachedPicture(forwarder.target)
    if (!picture) return this.show.keyframe(forwarder.target)
    // Browsers send a key frame only when asked, so the cache grows until the next viewer asks for
    // one: seen at 314 packets (2 s) for a late joiner, all sent and decoded before it is live. This
    // viewer takes it as it is; the publisher is asked for a key frame so the next one starts short.
    if (picture.at(-1)!.at - picture[0]!.at > LONG_PICTURE_MS) this.show.keyframe(forwarder.target)
    this.backlog = { packets: [...picture], next: 0 }
    this.catchUp()
  }

  /** Sends the next batch of the backlog; once it is empty, packets go straight through again. */
  private catchUp() {
    const backlog = this.backlog
    if (!backlog || this.closed) return
    const end = Math.min(backlog.packets.length, backlog.next + CATCH_UP_BATCH)
    for (; backlog.next < end; backlog.next++) this.videoForwarder!.handle(backlog.packets[backlog.next]!)
    if (backlog.next < backlog.packets.length) setTimeout(() => this.catchUp(), CATCH_UP_EVERY_MS)
    else this.backlog = undefined
  }

  handle(packet: SourcePacket) {
    // Nothing is numbered before the connection is up: the viewer's stream begins with its first picture.
    if (this.closed || this.pc.connectionState !== 'connected') return
    if (packet.source === 'audio') return this.audioForwarder?.handle(packet)
    const forwarder = this.videoForwarder
    if (!forwarder) return
    if (this.backlog) return void this.backlog.packets.push(packet)
    forwarder.handle(packet)
    // Waiting to start or to switch: the layer it waits for must send a key frame soon.
    if (forwarder.waiting && packet.source === forwarder.target) this.show.keyframe(forwarder.target)
  }

  private send(transceiver: RTCRtpTransceiver, packet: RtpPacket) {
    if (this.pc.connectionState !== 'connected') return
    transceiver.sender.sendRtp(packet).catch(() => {})
  }

  /** Picks the layer that fits the viewer's connection now; steps down at once, up only after a while. */
  private adapt() {
    const forwarder = this.videoForwarder
    const video = this.video
    if (!forwarder || !video || this.closed) return
    // Under pressure the top layer is not on offer: a viewer on it steps down (PROTOCOL.md, "Capacity and overload").
    const layers = this.show.viewableVideo()
    if (!layers.length) return
    const sender = video.sender as unknown as { receiverEstimatedMaxBitrate: bigint, remoteFractionLost?: number }
    const estimate = Number(sender.receiverEstimatedMaxBitrate ?? 0n)
    const current = layers.findIndex(layer => layer.source === (forwarder.following ?? forwarder.target))
    let next = layers.indexOf(fittingLayer(layers, estimate)!)
    if ((sender.remoteFractionLost ?? 0) > LOSS_STEP_DOWN && current > 0) next = Math.min(next, current - 1)
    const now = this.now()
    if (current >= 0 && next > current) {
      if (now - this.steppedUpAt < STEP_UP_AFTER_MS) return
      next = current + 1
      this.steppedUpAt = now
    }
    // The layer it follows went silent (the publisher turned it off): move to one that sends.
    if (current < 0 && next < 0) next = 0
    const target = layers[next]?.source
    if (target && target !== forwarder.target) {
      forwarder.target = target
      this.show.keyframe(target)
    }
  }

  close() {
    if (this.closed) return
    this.closed = true
    clearInterval(this.adaptTimer)
    this.cancelDeadline()
    this.show.sinks.delete(this)
    void this.pc.close().catch(() => {})
    this.onGone(this)
  }
}
