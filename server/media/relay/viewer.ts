import { Forwarder, type SourcePacket } from '../common/forwarder'
import type { RelayNetwork } from './peer-config'
import { sessionId } from './publisher'
import { connectDeadline } from './session-setup'
import type { Show, Sink, SourceState } from '../common/show'
import type { ViewerLink, ViewerLinkFactory } from './viewer-link'

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
 * One viewer (WHEP): its connection (a ViewerLink, on the native stack or werift) sends the show's
 * audio and the one video layer that fits what the viewer's connection carries, judged from its
 * receiver's feedback (REMB, and loss in its reports). It starts the moment it connects, from the
 * show's cached picture of its layer (the latest key frame and the packets since), renumbered into
 * its own stream; only when none is cached is the publisher asked for a key frame. A key frame is
 * asked for again whenever it reports loss of a picture (PLI).
 */
export class ViewerSession implements Sink {
  readonly id = sessionId()
  /** When it was admitted: the newest go first when the relay falls behind. */
  readonly joinedAt = performance.now()
  private readonly link: ViewerLink
  private videoForwarder?: Forwarder
  private audioForwarder?: Forwarder
  private adaptTimer?: ReturnType<typeof setInterval>
  private steppedUpAt = 0
  /** Video packets waiting their turn while the cached picture is sent (the live ones queue behind it). */
  private backlog?: { packets: SourcePacket[], next: number }
  private cancelDeadline = () => {}
  private readonly settledListeners: Array<() => void> = []
  private closed = false

  constructor(private readonly show: Show, network: RelayNetwork, links: ViewerLinkFactory, private readonly onGone: (session: ViewerSession) => void, private readonly now = Date.now) {
    this.link = links(show.codecs, network, {
      state: (state) => {
        if (state !== 'new' && state !== 'connecting') this.settledListeners.splice(0).forEach(listener => listener())
        if (state === 'connected') this.startPicture()
        if (state === 'failed' || state === 'closed') this.close()
      },
      pictureLoss: () => this.videoForwarder && this.show.keyframe(this.videoForwarder.following ?? this.videoForwarder.target),
    })
  }

  get state() {
    return this.link.state
  }

  /** Calls `listener` once the connection is up, has failed or was closed. */
  onSettled(listener: () => void) {
    if (this.closed || (this.state !== 'new' && this.state !== 'connecting')) listener()
    else this.settledListeners.push(listener)
  }

  /** The layer it gets now (or waits for), for stats. */
  get layer() {
    return this.videoForwarder?.following ?? this.videoForwarder?.target
  }

  async answer(sdp: string): Promise<string> {
    const answer = await this.link.answer(sdp)
    const codecs = this.show.codecs
    if (answer.audio && codecs?.audio) this.audioForwarder = new Forwarder('audio', codecs.audio.clockRate, packet => this.link.send('audio', packet))
    if (answer.video) {
      const start = fittingLayer(this.show.viewableVideo(), 0)?.source ?? 'single'
      this.videoForwarder = new Forwarder(start, 90000, packet => this.link.send('video', packet))
    }
    this.show.sinks.add(this)
    this.adaptTimer = setInterval(() => this.adapt(), ADAPT_EVERY_MS)
    this.adaptTimer.unref?.()
    this.cancelDeadline = connectDeadline(() => this.link.state, () => this.close())
    return answer.sdp
  }

  patch(text: string) {
    return this.link.patch(text)
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
    if (this.closed || this.link.state !== 'connected') return
    if (packet.source === 'audio') return this.audioForwarder?.handle(packet)
    const forwarder = this.videoForwarder
    if (!forwarder) return
    if (this.backlog) return void this.backlog.packets.push(packet)
    forwarder.handle(packet)
    // Waiting to start or to switch: the layer it waits for must send a key frame soon.
    if (forwarder.waiting && packet.source === forwarder.target) this.show.keyframe(forwarder.target)
  }

  /** Picks the layer that fits the viewer's connection now; steps down at once, up only after a while. */
  private adapt() {
    const forwarder = this.videoForwarder
    if (!forwarder || this.closed) return
    // Under pressure the top layer is not on offer: a viewer on it steps down (PROTOCOL.md, "Capacity and overload").
    const layers = this.show.viewableVideo()
    if (!layers.length) return
    const { estimate, fractionLost } = this.link.feedback()
    const current = layers.findIndex(layer => layer.source === (forwarder.following ?? forwarder.target))
    let next = layers.indexOf(fittingLayer(layers, estimate)!)
    if (fractionLost > LOSS_STEP_DOWN && current > 0) next = Math.min(next, current - 1)
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
    this.link.close()
    this.settledListeners.splice(0).forEach(listener => listener())
    this.onGone(this)
  }
}
