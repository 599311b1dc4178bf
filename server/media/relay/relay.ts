import type { RelayNetwork } from './peer-config'
import { DEFAULT_MAX_LOAD, RelayCapacity, type CapacityBudget, type CapacityProbes } from './capacity'
import { JoinQueue } from './join-queue'
import { MediaError, type MediaEvent, type SessionKind, type ShowStatus } from '../backend'
import { PublisherSession, type Publishing } from './publisher'
import { IngestLink } from './remote-publisher'
import type { MessagePort } from 'node:worker_threads'
import { ShowRecording } from '../common/recorder'
import type { RtpOutSink, RtpTarget } from '../common/rtp-out'
import { switchRtpOut } from '../common/rtp-out'
import { Show } from '../common/show'
import { ViewerSession } from './viewer'
import type { ViewerLinkFactory } from './viewer-link'
import { closeViewerStacks, viewerLinks, type ViewerStack } from './viewer-stack'

export type RelayEvent = MediaEvent

export interface RelayOptions {
  network: RelayNetwork
  /** Viewers one show may have at once (NUXT_MEDIA_MAX_VIEWERS); past it WHEP answers 503. */
  maxViewers: number
  /** What the process may spend on viewers before it turns the next one away (default: DEFAULT_MAX_LOAD of its thread). */
  capacity?: CapacityBudget
  /** The ingest thread's port (ingest-worker.ts), where the publishers' sessions live; none: on this thread (tests). */
  ingest?: MessagePort
  /** The WebRTC stack of the viewers (NUXT_MEDIA_VIEWER_STACK; default native, viewer-stack.ts). */
  viewerStack?: ViewerStack
  /** The thread's load and lag as tests choose them (RelayCapacity's own readings otherwise). */
  probes?: CapacityProbes
  onEvent: (event: RelayEvent) => void
}

export type { SessionKind }

/** How long an offer waits for its turn to set its connection up (join-queue.ts; how many at once: viewer-stack.ts). */
const JOIN_WAIT_MS = 10_000

interface Entry {
  show: Show
  publisher?: Publishing
  viewers: Map<string, ViewerSession>
  /** Where to record while the show is live, and the next chunk number. */
  recording: ShowRecording
  /** The show as plain RTP to a local restreamer, while one asks. */
  rtpOut?: RtpOutSink
}

/**
 * The selective forwarding unit: for each show, one publisher (WHIP) and its viewers (WHEP), and
 * the recorder while the show is live. It knows nothing of HTTP, the store or the worker it runs
 * in; the main thread decides who may publish and play (relay-backend.ts).
 */
export class Relay {
  private readonly entries = new Map<string, Entry>()
  private readonly capacity: RelayCapacity
  private readonly joins: JoinQueue
  private readonly ingest?: IngestLink
  private readonly viewerLinks: ViewerLinkFactory

  constructor(private readonly options: RelayOptions) {
    const links = viewerLinks(options.viewerStack ?? 'native')
    this.viewerLinks = links.create
    this.joins = new JoinQueue(links.joiningAtOnce, JOIN_WAIT_MS)
    this.capacity = new RelayCapacity(options.capacity ?? { maxLoad: DEFAULT_MAX_LOAD }, () => {
      const connected = this.viewerCount('connected')
      return { connected, joining: this.viewerCount() - connected }
    }, count => this.letGo(count), options.probes)
    this.ingest = options.ingest && new IngestLink(options.ingest, lag => this.capacity.noteLag(lag))
  }

  /**
   * Viewers of every show, connected or connecting; or only those connected, which are what the
   * thread's load is measured against: on the native stack a connecting viewer costs this thread
   * next to nothing, and counting it made a viewer look cheap, admitting far past capacity.
   */
  private viewerCount(which: 'all' | 'connected' = 'all') {
    let count = 0
    for (const entry of this.entries.values()) {
      if (which === 'all') count += entry.viewers.size
      else for (const viewer of entry.viewers.values()) if (viewer.state === 'connected') count++
    }
    return count
  }

  /**
   * The thread fell behind the publishers' packets for good (capacity.ts): the `count` newest
   * viewers go, so the rest keep a live picture. Their pages hear the connection end and come
   * back to a 503 with its Retry-After, as any viewer past capacity does.
   */
  private letGo(count: number) {
    const newest = [...this.entries.values()].flatMap(entry => [...entry.viewers.values()])
      .sort((a, b) => b.joinedAt - a.joinedAt)
      .slice(0, count)
    console.error(`[relay] behind the publishers' packets: ${newest.length} of the newest viewers let go`)
    for (const viewer of newest) viewer.close()
  }

  /** What every viewer is sent now, in bits/s, by the layer each follows. */
  private egress() {
    let bits = 0
    for (const { show, viewers } of this.entries.values()) for (const viewer of viewers.values()) bits += show.bitrateOf(viewer.layer)
    return bits
  }

  /** The viewers `entry`'s show can have on this process now: its ceiling, or fewer when the process is nearly full. */
  private maxViewersOf(entry: Entry) {
    const room = this.capacity.room(this.viewerCount(), entry.show.viewerBitrate(), this.egress())
    return Math.min(this.options.maxViewers, entry.viewers.size + room)
  }

  private entry(livestreamId: string): Entry {
    let entry = this.entries.get(livestreamId)
    if (!entry) {
      const show = new Show(livestreamId, publishing => this.options.onEvent({ type: 'media_state', livestreamId, publishing }))
      show.underPressure = () => this.capacity.underPressure
      entry = { show, viewers: new Map(), recording: new ShowRecording(show) }
      this.entries.set(livestreamId, entry)
    }
    return entry
  }

  /**
   * A publisher's offer. A second publisher is refused while the first one's media flows; one
   * that is no longer connected (a host whose network dropped, coming back) is replaced, and the
   * viewers carry on from the new one at its first key frame.
   */
  async publish(livestreamId: string, sdp: string): Promise<{ sessionId: string, sdp: string }> {
    const entry = this.entry(livestreamId)
    const current = entry.publisher
    if (current && current.state === 'connected' && entry.show.publishing) {
      throw new MediaError('conflict', 'another publisher is sending this show')
    }
    const onGone = (gone: Publishing) => {
      this.publisherGone(livestreamId, gone)
      this.ended(livestreamId, 'publisher', gone.id)
    }
    const session = this.ingest ? this.ingest.publisher(entry.show, onGone) : new PublisherSession(entry.show, this.options.network, onGone)
    let answer: string
    try {
      answer = await session.answer(sdp)
    }
    catch (error) {
      session.close()
      throw error
    }
    current?.close()
    entry.publisher = session
    await entry.recording.restart(true)
    return { sessionId: session.id, sdp: answer }
  }

  /**
   * A viewer's offer: 404 while nothing is published, 503 at the show's ceiling or when the
   * process is nearly full (capacity.ts). The viewer counts from before its negotiation, so
   * parallel offers cannot pass the capacity together.
   */
  async play(livestreamId: string, sdp: string): Promise<{ sessionId: string, sdp: string }> {
    const entry = this.entries.get(livestreamId)
    if (!entry?.publisher || !entry.show.codecs) throw new MediaError('not_found', 'nothing is published for this show yet')
    if (entry.viewers.size >= this.maxViewersOf(entry)) throw new MediaError('unavailable', 'the show is full')
    const session = new ViewerSession(entry.show, this.options.network, this.viewerLinks, (gone) => {
      if (entry.viewers.get(gone.id) !== gone) return
      entry.viewers.delete(gone.id)
      this.ended(livestreamId, 'viewer', gone.id)
    })
    entry.viewers.set(session.id, session)
    let done = () => {}
    try {
      done = await this.joins.turn()
      // The turn is given back once the connection is up, or has failed, or never came up in time.
      session.onSettled(done)
      const answer = await session.answer(sdp)
      return { sessionId: session.id, sdp: answer }
    }
    catch (error) {
      done()
      session.close()
      throw error
    }
  }

  private session(livestreamId: string, kind: SessionKind, sessionId: string) {
    const entry = this.entries.get(livestreamId)
    const session = kind === 'publisher' ? (entry?.publisher?.id === sessionId ? entry.publisher : undefined) : entry?.viewers.get(sessionId)
    if (!session) throw new MediaError('not_found', 'no such session for this show')
    return session
  }

  /** Trickle ICE or an ICE restart (PATCH); answers the server's fragment for a restart. */
  async patch(livestreamId: string, kind: SessionKind, sessionId: string, fragment: string) {
    return this.session(livestreamId, kind, sessionId).patch(fragment)
  }

  /** A session's DELETE. A publisher's does not end the show: `stop` does. */
  end(livestreamId: string, kind: SessionKind, sessionId: string) {
    this.session(livestreamId, kind, sessionId).close()
  }

  private ended(livestreamId: string, kind: SessionKind, sessionId: string) {
    this.options.onEvent({ type: 'session_ended', livestreamId, kind, sessionId })
  }

  private publisherGone(livestreamId: string, gone: Publishing) {
    const entry = this.entries.get(livestreamId)
    if (entry?.publisher !== gone) return
    entry.publisher = undefined
    entry.show.publisherGone()
  }

  /** The show went live (record into `dir` from chunk `firstSeq`), or ended (stop recording). */
  async setLive(livestreamId: string, recording: { dir: string, firstSeq: number } | null) {
    const entry = this.entry(livestreamId)
    if (recording) await entry.recording.record(recording.dir, recording.firstSeq, !!entry.publisher)
    else await entry.recording.stop()
  }

  /** The show's media to a local restreamer (null: stop); its codecs, or null while nothing is published. */
  forwardRtp(livestreamId: string, target: RtpTarget | null) {
    const entry = target ? this.entry(livestreamId) : this.entries.get(livestreamId)
    return entry ? switchRtpOut(entry, target) : null
  }

  /** The show ended: every session closes, and the recording's last chunk is written before this resolves. */
  async stopShow(livestreamId: string) {
    const entry = this.entries.get(livestreamId)
    if (!entry) return
    this.entries.delete(livestreamId)
    switchRtpOut(entry, null)
    await entry.recording.stop()
    for (const viewer of entry.viewers.values()) viewer.close()
    entry.publisher?.close()
    entry.show.close()
  }

  status(livestreamId: string): ShowStatus {
    const entry = this.entries.get(livestreamId)
    if (!entry) return { publishing: false, viewers: 0, layers: [] }
    return {
      publishing: entry.show.publishing,
      viewers: entry.viewers.size,
      max: this.maxViewersOf(entry),
      layers: entry.show.activeVideo().map(({ source, bitrate, width, height }) => ({ source, bitrate: Math.round(bitrate), width, height })),
    }
  }

  /** Every show's status, for /metrics. */
  stats(): Record<string, ShowStatus> {
    return Object.fromEntries([...this.entries.keys()].map(id => [id, this.status(id)]))
  }

  async close() {
    this.capacity.close()
    await Promise.all([...this.entries.keys()].map(id => this.stopShow(id)))
    closeViewerStacks()
  }
}
