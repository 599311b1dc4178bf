import type { RtpPacket } from 'werift'
import type { CodecChoice } from './codec'
import type { SourcePacket } from './forwarder'

/** A source (a simulcast layer, or audio) as the relay sees it arrive. */
export interface SourceState {
  source: string
  ssrc: number
  /** Smoothed bits per second. */
  bitrate: number
  /** The last PEAK_SECONDS one-second readings, in bits/s, oldest first. */
  readings: number[]
  lastAt: number
  bytesThisSecond: number
  secondStartedAt: number
  /** A key frame's picture size, once one was seen. */
  width?: number
  height?: number
}

/** Someone who takes a show's packets: a viewer, or the recorder. */
export interface Sink {
  handle(packet: SourcePacket): void
}

/** How long a source may stay silent before it counts as gone (a layer the publisher turned off, a dropped publisher). */
export const SOURCE_SILENT_MS = 1500
/** At most one key frame request per source in this time: many viewers joining at once ask once. */
const KEYFRAME_REQUEST_MS = 300
/**
 * The most packets a source's cached picture (its key frame and what followed) may hold: 5 s of
 * the top layer at 2.5 Mbit/s is about 1,100. Past it the cache is dropped until the next key frame.
 */
const MAX_CACHED_PACKETS = 3000
/**
 * How many one-second readings of a source a viewer is budgeted by: the dearest of them. A second
 * with a key frame, or with a starved encoder's catch-up, reads well above the next, so the
 * smoothed bitrate swings from one second to the next, and with it the viewers an egress budget
 * has room for: 3, 4, 3, 4 viewers of a show at about 1 Mbit/s under a 4 Mbit/s budget (the likely
 * cause of a CI run's relay that said 3 and let in 4 of a burst a moment later). Budgeted at the
 * peak of the last few seconds, a viewer's cost reads the same from one second to the next.
 */
const PEAK_SECONDS = 5

/**
 * One show on the relay: its publisher's sources, and everyone who takes them. A packet arrives
 * once and is handed to each sink, which keeps its own numbering (see Forwarder).
 */
export class Show {
  readonly sources = new Map<string, SourceState>()
  readonly sinks = new Set<Sink>()
  /** Bumped for each new publisher session: its numbering starts anew. */
  epoch = 0
  /** The publisher's codecs, which the viewers get too (nothing is transcoded). */
  codecs?: { video?: CodecChoice, audio?: CodecChoice }
  /** Whether the server carrying it is short of time (relay/capacity.ts): its viewers are held below the top layer. */
  underPressure: () => boolean = () => false
  /** Asks the publisher for a key frame of a source (set by the publisher session). */
  requestKeyframe: (ssrc: number) => void = () => {}
  private requestedAt = new Map<string, number>()
  /**
   * Each video source's latest key frame and every packet since (a group of pictures): a new
   * viewer is sent it at once, so its first picture does not wait for a round trip to the
   * publisher and a key frame from its encoder (LiveKit's GOP cache, Janus's videobufferkf).
   */
  private readonly pictures = new Map<string, SourcePacket[]>()
  private publishingNow = false
  private silence?: ReturnType<typeof setInterval>

  constructor(readonly id: string, private readonly onPublishing: (publishing: boolean) => void, private readonly now = Date.now) {}

  get publishing() {
    return this.publishingNow
  }

  /** A packet from the publisher. */
  receive(source: string, packet: RtpPacket, startable: boolean, size?: { width: number, height: number }) {
    const at = this.now()
    let state = this.sources.get(source)
    if (!state || state.ssrc !== packet.header.ssrc) {
      state = { source, ssrc: packet.header.ssrc, bitrate: 0, readings: [], lastAt: at, bytesThisSecond: 0, secondStartedAt: at }
      this.sources.set(source, state)
    }
    state.lastAt = at
    state.bytesThisSecond += packet.payload.length + 12
    if (at - state.secondStartedAt >= 1000) {
      const measured = (state.bytesThisSecond * 8 * 1000) / (at - state.secondStartedAt)
      state.bitrate = state.bitrate ? state.bitrate * 0.5 + measured * 0.5 : measured
      state.readings.push(measured)
      if (state.readings.length > PEAK_SECONDS) state.readings.shift()
      state.bytesThisSecond = 0
      state.secondStartedAt = at
    }
    if (size) Object.assign(state, size)
    this.setPublishing(true)
    const forwarded: SourcePacket = { source, epoch: this.epoch, packet, startable, at }
    if (source !== 'audio') this.cache(forwarded)
    for (const sink of this.sinks) sink.handle(forwarded)
  }

  private cache(packet: SourcePacket) {
    if (packet.startable) return void this.pictures.set(packet.source, [packet])
    const picture = this.pictures.get(packet.source)
    if (!picture) return
    if (picture.length >= MAX_CACHED_PACKETS) this.pictures.delete(packet.source)
    else picture.push(packet)
  }

  /** A source's latest key frame and the packets since, to start a new viewer from; none when not cached. */
  cachedPicture(source: string): readonly SourcePacket[] | undefined {
    return this.pictures.get(source)
  }

  /** The video sources sending now, lowest bitrate first. */
  activeVideo(): SourceState[] {
    const now = this.now()
    return [...this.sources.values()]
      .filter(state => state.source !== 'audio' && now - state.lastAt < SOURCE_SILENT_MS)
      .sort((a, b) => a.bitrate - b.bitrate)
  }

  /** The video sources a viewer may be given now: under pressure, all but the top one. */
  viewableVideo(): SourceState[] {
    const layers = this.activeVideo()
    return this.underPressure() && layers.length > 1 ? layers.slice(0, -1) : layers
  }

  /** What one viewer at the top layer is budgeted, in bits/s: the best video layer and the audio, each at its peak. */
  viewerBitrate(): number {
    return this.bitrateOf(this.activeVideo().at(-1)?.source)
  }

  /** The bits/s a viewer following `layer` is budgeted: its video and the audio, each at its peak. */
  bitrateOf(layer: string | undefined): number {
    return (layer ? this.peakOf(layer) : 0) + this.peakOf('audio')
  }

  /** A source's dearest second of the last PEAK_SECONDS (its smoothed bitrate before it has one). */
  private peakOf(source: string): number {
    const state = this.sources.get(source)
    return state?.readings.length ? Math.max(...state.readings) : state?.bitrate ?? 0
  }

  /** The best video source sending now (what the recorder and the restream follow); 'single' before any. */
  bestLayer(): string {
    return this.activeVideo().at(-1)?.source ?? 'single'
  }

  /** Asks for a key frame of `source`, at most once per KEYFRAME_REQUEST_MS. */
  keyframe(source: string) {
    const state = this.sources.get(source)
    if (!state) return
    const now = this.now()
    if (now - (this.requestedAt.get(source) ?? 0) < KEYFRAME_REQUEST_MS) return
    this.requestedAt.set(source, now)
    this.requestKeyframe(state.ssrc)
  }

  /** A new publisher session: its sources replace the old ones, and every sink switches at its first key frame. */
  newPublisher() {
    this.epoch++
    this.sources.clear()
    this.pictures.clear()
    this.requestedAt.clear()
    this.watchSilence()
  }

  /** The publisher left: no source any more. */
  publisherGone() {
    this.sources.clear()
    this.pictures.clear()
    this.setPublishing(false)
  }

  private watchSilence() {
    if (this.silence) return
    // Media that stops flowing (a host whose network dropped) is said to the room, not only a session that ended.
    this.silence = setInterval(() => {
      const last = Math.max(0, ...[...this.sources.values()].map(state => state.lastAt))
      if (this.publishingNow && this.now() - last > SOURCE_SILENT_MS) this.setPublishing(false)
    }, 500)
    this.silence.unref?.()
  }

  private setPublishing(publishing: boolean) {
    if (publishing === this.publishingNow) return
    this.publishingNow = publishing
    this.onPublishing(publishing)
  }

  close() {
    clearInterval(this.silence)
    this.silence = undefined
    this.sinks.clear()
    this.pictures.clear()
    this.setPublishing(false)
  }
}
