import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { MediaStreamTrack, RTCRtpCodecParameters } from 'werift'
import { MediaRecorder } from 'werift/nonstandard'
import { chunkName } from '../chunks'
import { Forwarder, type SourcePacket } from './forwarder'
import type { CodecChoice } from './codec'
import type { Show, Sink } from './show'

/**
 * A chunk file is written every 2 s, as the studio's recorder sends one in p2p: a kill -9 loses at
 * most that. It is cut between werift's pieces, not at clusters: a cluster starts only at a key
 * frame, and a browser publisher sends one only when asked. Like the browser's timeslices, the
 * chunks of one run are pieces of one WebM stream that finalize joins.
 */
const CHUNK_MS = 2000
/** The longest the recorded layer goes without a key frame before one is asked for: the replay's seek points, at most this far apart. */
const KEYFRAME_EVERY_MS = 5000
/** How often the recorder looks for a better layer to record (the publisher turns its top layer on as its bandwidth grows). */
const UPGRADE_EVERY_MS = 2000

/** One piece of werift's WebM output (its `WebmOutput`). */
interface WebmPiece { saveToFile?: Buffer, kind?: 'initial' | 'cluster' | 'block' | 'cuePoints' }

const trackCodec = (choice: CodecChoice) => new RTCRtpCodecParameters({
  mimeType: choice.mimeType, clockRate: choice.clockRate, channels: choice.channels, parameters: choice.parameters, payloadType: choice.payloadType,
})

/**
 * What the relay carries, recorded as WebM chunk files in the show's recording folder, numbered on
 * from those already there: the same chunks the studio's browser sends in p2p mode, so the same
 * finalize makes them one seekable replay. It follows the best video layer and the audio as a
 * viewer would (one continuous stream whatever the publisher does), and writes each chunk whole
 * (a temporary file, renamed): a crash keeps every chunk written. A new publisher session is a
 * new recorder run, as a studio tab that came back is.
 */
export class RecorderSink implements Sink {
  private readonly video?: Forwarder
  private readonly audio?: Forwarder
  private videoTrack?: MediaStreamTrack
  private audioTrack?: MediaStreamTrack
  private recorder?: MediaRecorder
  private pending: Buffer[] = []
  private pendingSince = 0
  private seq: number
  private writing: Promise<void> = Promise.resolve()
  private upgrade?: ReturnType<typeof setInterval>
  private lastKeyframeAt = 0
  private stopped = false
  chunksWritten = 0

  constructor(private readonly show: Show, private readonly dir: string, firstSeq: number, private readonly now = Date.now) {
    this.seq = firstSeq
    const { video, audio } = show.codecs ?? {}
    if (video) {
      this.videoTrack = new MediaStreamTrack({ kind: 'video', codec: trackCodec(video) })
      this.video = new Forwarder(this.show.bestLayer(), 90000, packet => this.videoTrack!.writeRtp(packet))
    }
    if (audio) {
      this.audioTrack = new MediaStreamTrack({ kind: 'audio', codec: trackCodec(audio) })
      this.audio = new Forwarder('audio', audio.clockRate, packet => this.audioTrack!.writeRtp(packet))
    }
    this.upgrade = setInterval(() => {
      if (!this.video) return
      this.video.target = this.show.bestLayer()
      if (this.recorder && this.now() - this.lastKeyframeAt >= KEYFRAME_EVERY_MS) this.show.keyframe(this.video.target)
    }, UPGRADE_EVERY_MS)
    this.upgrade.unref?.()
  }

  handle(packet: SourcePacket) {
    if (this.stopped) return
    if (packet.source === 'audio') {
      // Audio waits for the first picture: a recording starts at a key frame.
      if (this.recorder) this.audio?.handle(packet)
      return
    }
    if (!this.video) return
    if (packet.source === this.video.target && this.video.waiting) this.show.keyframe(this.video.target)
    if (packet.source === this.video.target && packet.startable) this.lastKeyframeAt = this.now()
    if (!this.recorder && packet.source === this.video.target && packet.startable) this.start(packet.source)
    this.video.handle(packet)
  }

  private start(source: string) {
    const size = this.show.sources.get(source)
    const tracks = [this.videoTrack, this.audioTrack].filter((track): track is MediaStreamTrack => !!track)
    this.recorder = new MediaRecorder({
      tracks,
      width: size?.width ?? 1280,
      height: size?.height ?? 720,
      // Timed by RTP timestamps: the forwarded tracks carry no sender reports to take wall-clock
      // (NTP) time from, and lip sync would hold every frame back waiting for them.
      disableNtp: true,
      disableLipSync: true,
      stream: { execute: (piece: WebmPiece) => this.take(piece) } as never,
    })
  }

  /** Collects werift's output, and cuts a chunk before the first piece once the chunk is long enough. */
  private take(piece: WebmPiece) {
    if (!piece.saveToFile || piece.kind === 'cuePoints') return
    if (this.pending.length && this.now() - this.pendingSince >= CHUNK_MS) this.flush()
    if (!this.pending.length) this.pendingSince = this.now()
    this.pending.push(piece.saveToFile)
  }

  private flush() {
    const bytes = Buffer.concat(this.pending)
    this.pending = []
    const seq = this.seq++
    this.writing = this.writing.then(async () => {
      await mkdir(this.dir, { recursive: true })
      const temp = join(this.dir, `${chunkName(seq)}.relay.tmp`)
      await writeFile(temp, bytes)
      await rename(temp, join(this.dir, chunkName(seq)))
      this.chunksWritten++
    }).catch(error => console.error('[relay] could not write a recording chunk', error))
  }

  /** Ends the run: what is left is written as the last chunk; resolves once every chunk is on disk. */
  async stop() {
    if (this.stopped) return this.writing
    this.stopped = true
    clearInterval(this.upgrade)
    await this.endWriter()
    if (this.pending.length) this.flush()
    return this.writing
  }

  /**
   * Ends werift's writer: its sources are stopped, which pushes the last frames out through the
   * callback. Its own stop() then waits 5 s for an end it only signals when writing to a path.
   */
  private async endWriter() {
    const writer = this.recorder?.writer as { rtpSources?: { stop(): unknown }[], unSubscribers?: { dispose(): void } } | undefined
    if (!writer) return
    if (!writer.rtpSources) return void await this.recorder!.stop().catch(() => {})
    await Promise.all(writer.rtpSources.map(source => source.stop()))
    writer.unSubscribers?.dispose()
  }
}

/**
 * A show's recording across publisher sessions (relay and janus modes): set while the show is
 * live, one RecorderSink run per publisher session, each numbered on from the chunks of the last.
 */
export class ShowRecording {
  private target?: { dir: string, nextSeq: number }
  private recorder?: RecorderSink

  constructor(private readonly show: Show) {}

  /** A run is writing now. */
  get running() {
    return !!this.recorder
  }

  /** The show is live: record into `dir` from chunk `firstSeq`, starting with `publishing`'s run. */
  async record(dir: string, firstSeq: number, publishing: boolean) {
    this.target = { dir, nextSeq: firstSeq }
    await this.restart(publishing)
  }

  /** A new run for a new publisher session (or none, if it left), after the last one's chunks are written. */
  async restart(publishing: boolean) {
    const previous = this.recorder
    this.recorder = undefined
    if (previous) {
      this.show.sinks.delete(previous)
      await previous.stop()
      if (this.target) this.target.nextSeq += previous.chunksWritten
    }
    if (!this.target || !publishing) return
    this.recorder = new RecorderSink(this.show, this.target.dir, this.target.nextSeq)
    this.show.sinks.add(this.recorder)
  }

  /** The show stopped being live: the last chunk is on disk when this resolves. */
  async stop() {
    await this.recorder?.stop()
    this.recorder = undefined
    this.target = undefined
  }
}
