import { randomUUID } from 'node:crypto'
import { CONNECT_WITHIN_MS, MediaError, UNUSABLE_OFFER, type MediaBackend, type MediaEvent, type SessionKind, type ShowStatus } from '../backend'
import { ShowRecording } from '../common/recorder'
import type { RtpOutSink } from '../common/rtp-out'
import { switchRtpOut } from '../common/rtp-out'
import { Show } from '../common/show'
import { EdgeLoad } from './edge-load'
import { JanusEdges, type MediaServer } from './edges'
import { ask, HANDLE_GONE, HANDLE_UP, janusCode, JanusLink } from './janus-link'
import { janusId, janusProvisioning, NO_SUCH_MOUNTPOINT, streaming, videoroom, type PublisherInfo } from './provisioning'
import { RECORDED_PT, RtpReceiver } from './rtp-receiver'
import { answerForJanus, answerForViewer, parseSdp, payloadTypesFor, type ParsedSdp } from './sdp-bridge'
import { EndedSessions, infoOf, patchSession, type Publisher, type Viewer } from './sessions'

export interface JanusOptions {
  url: string
  /** Further Janus servers that carry viewers (NUXT_JANUS_EDGES): each gets a show by rtp_forward while it has viewers of it. */
  edges?: string[]
  /** Janus's api_secret, also the VideoRoom's and Streaming's admin_key (deploy/janus/start sets all three; the same on every edge). */
  apiSecret?: string
  /** Viewers this process takes per show (NUXT_MEDIA_MAX_VIEWERS). */
  maxViewers: number
  /** Where Janus reaches this process for the recorder's forwarded RTP (NUXT_JANUS_FORWARD_HOST). */
  forwardHost: string
}

/** A little over the time Janus waits before a viewer drops to the layer below a missing one (250 ms). */
const LAYER_FALLBACK_MS = 400
/** An edge keeps a show this long after this process's last viewer of it there left (one may come back). */
const EDGE_IDLE_MS = 30_000

interface Entry {
  show: Show
  publisher?: Publisher
  viewers: Map<string, Viewer>
  /** Viewers being set up: they count against the capacity from their first request on. */
  joining: number
  recording: ShowRecording
  /** The show as plain RTP to a local restreamer, while one asks (fed by this process's rtp_forward). */
  rtpOut?: RtpOutSink
}

/** A viewer's offer, checked, and what its session is set up from. */
interface WatchRequest {
  livestreamId: string
  found: Entry
  published: PublisherInfo
  offer: ParsedSdp
  /** The offer's payload types for the show's video codec and Opus. */
  payloadTypes: { video: number, audio?: number }
}

/**
 * janus mode: the media carried by Janus, driven over its WebSocket API with janode. The host
 * publishes into a VideoRoom (one room per show); the room forwards (rtp_forward) each simulcast
 * layer to Streaming mountpoints the viewers watch, and the best layer to this process, where the
 * relay's recorder writes the same chunks as in relay mode. Room, publisher and mountpoint ids come
 * from the show's id, so several Nuxt processes share one Janus: a viewer who came in through
 * another process than the host watches the same mountpoint. Sessions (WHIP/WHEP resources) live
 * in the process that opened them. With edges (NUXT_JANUS_EDGES) viewers watch there instead:
 * each new one on the least loaded edge that is up, which gets the show from the origin's room
 * while it has viewers of it; an edge that dies takes its viewers' sessions with it, and their
 * pages open new ones, which land on an edge that is up (or the origin, when none is).
 */
export function janusBackend(options: JanusOptions): MediaBackend {
  const listeners: Array<(event: MediaEvent) => void> = []
  const entries = new Map<string, Entry>()
  const secret = options.apiSecret || undefined
  const link = new JanusLink(options.url, secret, () => {
    // Every handle went with the connection: the host's media stopped, viewers will come back by themselves.
    for (const entry of entries.values()) void dropSessions(entry)
  })
  link.start()
  const origin: MediaServer = { url: options.url, link, rtpHost: '127.0.0.1', edge: false, viewers: 0, load: new EdgeLoad() }
  const provisioning = janusProvisioning(origin, secret)
  const edges = new JanusEdges(options.edges ?? [], secret, (edge) => {
    // Its viewers' handles went with it (their pages come back through another edge), and the origin stops feeding it.
    for (const found of entries.values()) {
      for (const viewer of found.viewers.values()) if (viewer.server === edge) removeViewer(found, viewer)
    }
    void provisioning.edgeLost(edge)
  }, server => provisioning.viewersOn(server))
  edges.start()

  const emit = (event: MediaEvent) => {
    for (const listener of listeners) listener(event)
  }

  function entry(livestreamId: string) {
    let found = entries.get(livestreamId)
    if (!found) {
      const show = new Show(livestreamId, publishing => emit({ type: 'media_state', livestreamId, publishing }))
      found = { show, viewers: new Map(), joining: 0, recording: new ShowRecording(show) }
      entries.set(livestreamId, found)
    }
    return found
  }

  /** A session ended: the core hears it, and its DELETE still succeeds for a while. */
  const ended = new EndedSessions()
  function sessionEnded(livestreamId: string, kind: SessionKind, sessionId: string) {
    emit({ type: 'session_ended', livestreamId, kind, sessionId })
    ended.add(sessionId)
  }

  /**
   * A viewer's session ended (answers false if it had already): its places free, and an edge
   * that has no viewer of the show left from this process may give the show up (EDGE_IDLE_MS).
   */
  function removeViewer(found: Entry | undefined, viewer: Viewer) {
    if (!found?.viewers.delete(viewer.id)) return false
    const { server } = viewer
    server.viewers = Math.max(0, server.viewers - 1)
    sessionEnded(found.show.id, 'viewer', viewer.id)
    if (server.edge && ![...found.viewers.values()].some(other => other.server === server)) {
      setTimeout(() => {
        const now = entries.get(found.show.id)
        // The show ended meanwhile (its mountpoints went with it), or a viewer came back there.
        if (!now || [...now.viewers.values()].some(other => other.server === server)) return
        // Only if no process has a viewer there either (the edge says).
        void provisioning.removeMountpoints(found.show.id, server, { ifIdle: true })
      }, EDGE_IDLE_MS).unref?.()
    }
    return true
  }

  function publisherGone(livestreamId: string, gone: Publisher) {
    sessionEnded(livestreamId, 'publisher', gone.id)
    const found = entries.get(livestreamId)
    if (found?.publisher !== gone) return
    found.publisher = undefined
    gone.receiver.close()
    found.show.publisherGone()
    void found.recording.restart(false)
  }

  async function dropSessions(found: Entry) {
    const publisher = found.publisher
    if (publisher) publisherGone(found.show.id, publisher)
    for (const viewer of found.viewers.values()) removeViewer(found, viewer)
  }

  async function publish(livestreamId: string, sdp: string) {
    const offer = parseSdp(sdp)
    const info = infoOf(offer)
    if (!info) throw new MediaError('invalid', 'the offer must send VP8 or H.264 video (and may send Opus audio)')
    const { codec } = info
    const found = entry(livestreamId)
    if (found.publisher && found.show.publishing) throw new MediaError('conflict', 'another publisher is sending this show')
    const feed = janusId(livestreamId)
    const handle = await link.attach(videoroom)
    let answer: string
    let receiver: RtpReceiver | undefined
    try {
      await provisioning.ensureRoom(handle, livestreamId)
      // A publisher left behind (a host who came back through another process, a session Janus has not timed out yet) makes way.
      await ask(handle, { request: 'kick', room: feed, id: feed, secret }).catch(() => {})
      const joined = await ask(handle, { request: 'joinandconfigure', ptype: 'publisher', room: feed, id: feed, display: JSON.stringify(info), audio: true, video: true }, { type: 'offer', sdp })
      if (!joined.jsep) throw new MediaError('invalid', 'the media server did not answer this offer')
      answer = joined.jsep.sdp
      receiver = new RtpReceiver(found.show, codec, options.forwardHost)
      const ports = await receiver.open()
      // The best layer at any time ("simulcast": true, for a simulcast publisher), as a viewer gets it.
      const streams: Record<string, unknown>[] = [{ mid: info.videoMid, port: ports.video, pt: RECORDED_PT[codec], ...(info.simulcast ? { simulcast: true } : {}) }]
      if (info.audioMid) streams.push({ mid: info.audioMid, port: ports.audio, pt: RECORDED_PT.opus })
      await ask(handle, { request: 'rtp_forward', room: feed, publisher_id: feed, host: options.forwardHost, admin_key: secret, secret, streams })
    }
    catch (error) {
      receiver?.close()
      void handle.detach().catch(() => {})
      if (error instanceof MediaError) throw error
      throw new MediaError('invalid', UNUSABLE_OFFER)
    }
    const previous = found.publisher
    if (previous) publisherGone(livestreamId, previous)
    const publisher: Publisher = { id: randomUUID(), handle, offer, info, receiver }
    found.publisher = publisher
    found.show.codecs = {
      video: codec === 'vp8' ? { mimeType: 'video/VP8', clockRate: 90000, payloadType: RECORDED_PT.vp8 } : { mimeType: 'video/H264', clockRate: 90000, payloadType: RECORDED_PT.h264, parameters: 'packetization-mode=1;profile-level-id=42e01f' },
      ...(info.audioMid ? { audio: { mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: RECORDED_PT.opus } } : {}),
    }
    found.show.newPublisher()
    found.show.requestKeyframe = () => void ask(handle, { request: 'configure', keyframe: true }).catch(() => {})
    for (const event of HANDLE_GONE) handle.once(event, () => publisherGone(livestreamId, publisher))
    // Viewers' mountpoints made before this publisher (a host who came back) are fed by it now.
    void provisioning.feedMountpoints(livestreamId, info, [origin, ...edges.servers])
      .catch(error => console.error('[janus] could not feed the show\'s mountpoints', error))
    await found.recording.restart(true)
    return { sessionId: publisher.id, sdp: answer }
  }

  /** The publisher of the show: this process's, else whoever is in the room (Janus knows). */
  function roomPublisher(livestreamId: string): Promise<PublisherInfo | undefined> {
    const local = entries.get(livestreamId)?.publisher
    return local ? Promise.resolve(local.info) : provisioning.roomPublisher(livestreamId)
  }

  async function play(livestreamId: string, sdp: string) {
    const published = await roomPublisher(livestreamId).catch((error) => {
      if (error instanceof MediaError) throw error
      throw new MediaError('unavailable', 'the media server did not answer; try again')
    })
    if (!published) throw new MediaError('not_found', 'nothing is published for this show yet')
    const found = entry(livestreamId)
    if (found.viewers.size + found.joining >= options.maxViewers) throw new MediaError('unavailable', 'the show is full')
    found.joining++
    try {
      return await watch(livestreamId, found, published, sdp)
    }
    finally {
      found.joining--
    }
  }

  async function watch(livestreamId: string, found: Entry, published: PublisherInfo, sdp: string) {
    const offer = parseSdp(sdp)
    const pts = payloadTypesFor(offer, published.codec)
    if (pts.video === undefined) throw new MediaError('invalid', `this player does not take the show's video (${published.codec.toUpperCase()})`)
    // The least loaded edge that is up; the origin when there are no edges, or none is up.
    const picked = edges.pick()
    try {
      return await watchOn(picked?.server ?? origin, { livestreamId, found, published, offer, payloadTypes: { video: pts.video, audio: pts.audio } }, () => picked?.join.landed())
    }
    catch (error) {
      picked?.join.dropped()
      throw error
    }
  }

  /** The viewer's session on `server`; `landed` hears when the server counts it among the mountpoint's viewers. */
  async function watchOn(server: MediaServer, { livestreamId, found, published, offer, payloadTypes }: WatchRequest, landed: () => void) {
    const mountpoint = await provisioning.mountpointFor(livestreamId, published, payloadTypes, server)
    const handle = await server.link.attach(streaming)
    try {
      const watched = await ask(handle, { request: 'watch', id: mountpoint })
      landed()
      if (!watched.jsep) throw new Error('no offer from the mountpoint')
      const janusOffer = parseSdp(watched.jsep.sdp)
      await ask(handle, { request: 'start' }, { type: 'answer', sdp: answerForJanus(janusOffer, offer) })
      const viewer: Viewer = { id: randomUUID(), handle, offer, janusOffer, mountpoint, server }
      found.viewers.set(viewer.id, viewer)
      server.viewers++
      // A key frame asked of the host as soon as the viewer's connection is up (at most every
      // 300 ms however many join), so its picture starts now, not at the room's next periodic
      // one; and again once Janus has fallen back from a layer the host is not sending yet (its
      // top one, until its bandwidth grows): the first key frame of the layer below came too soon.
      handle.once(HANDLE_UP, () => {
        entries.get(livestreamId)?.show.keyframe('single')
        setTimeout(() => entries.get(livestreamId)?.show.keyframe('single'), LAYER_FALLBACK_MS).unref?.()
      })
      const gone = () => {
        if (removeViewer(found, viewer)) void handle.detach().catch(() => {})
      }
      for (const event of HANDLE_GONE) handle.once(event, gone)
      // A viewer whose connection is not up by then never will be: its handle and places go.
      const deadline = setTimeout(gone, CONNECT_WITHIN_MS)
      deadline.unref?.()
      handle.once(HANDLE_UP, () => clearTimeout(deadline))
      return { sessionId: viewer.id, sdp: answerForViewer(offer, janusOffer) }
    }
    catch (error) {
      void handle.detach().catch(() => {})
      if (janusCode(error) === NO_SUCH_MOUNTPOINT) throw new MediaError('unavailable', 'the show\'s stream is being set up; try again')
      throw new MediaError('invalid', UNUSABLE_OFFER)
    }
  }

  function session(livestreamId: string, kind: SessionKind, sessionId: string) {
    const found = entries.get(livestreamId)
    const session = kind === 'publisher' ? (found?.publisher?.id === sessionId ? found.publisher : undefined) : found?.viewers.get(sessionId)
    if (!session) throw new MediaError('not_found', 'no such session for this show (sessions belong to the process that opened them)')
    return session
  }

  async function end(livestreamId: string, kind: SessionKind, sessionId: string) {
    // A browser that closes its connection and then DELETEs races Janus's hangup: its session just ended, which is what it asked.
    if (ended.lately(sessionId)) return
    const current = session(livestreamId, kind, sessionId)
    if (kind === 'publisher') publisherGone(livestreamId, current as Publisher)
    else removeViewer(entries.get(livestreamId), current as Viewer)
    await current.handle.detach().catch(() => {})
  }

  async function stopShow(livestreamId: string) {
    const found = entries.get(livestreamId)
    if (found) {
      entries.delete(livestreamId)
      switchRtpOut(found, null)
      await found.recording.stop()
      for (const viewer of found.viewers.values()) {
        removeViewer(found, viewer)
        void viewer.handle.detach().catch(() => {})
      }
      if (found.publisher) {
        sessionEnded(livestreamId, 'publisher', found.publisher.id)
        found.publisher.receiver.close()
        void found.publisher.handle.detach().catch(() => {})
      }
      found.show.close()
    }
    // Janus-wide (the origin and every edge): the show's room and mountpoints go, whichever process made them; viewers elsewhere are hung up.
    await Promise.all([origin, ...edges.servers].map(server => provisioning.removeMountpoints(livestreamId, server)))
    if (link.up) await provisioning.removeRoom(livestreamId)
  }

  async function status(livestreamId: string): Promise<ShowStatus> {
    const found = entries.get(livestreamId)
    const layers = found?.show.activeVideo().map(({ source, bitrate, width, height }) => ({ source, bitrate: Math.round(bitrate), width, height })) ?? []
    if (found?.publisher) return { publishing: found.show.publishing, viewers: found.viewers.size, layers }
    // The host may publish through another process: Janus knows.
    const published = link.up ? await roomPublisher(livestreamId).catch(() => undefined) : undefined
    return { publishing: !!published, viewers: found?.viewers.size ?? 0, layers }
  }

  return {
    mode: 'janus',
    maxViewers: options.maxViewers,
    publish,
    play,
    patch: async (livestreamId, kind, sessionId, text) => patchSession(session(livestreamId, kind, sessionId), kind, text),
    end,
    async setLive(livestreamId, recording) {
      const found = entry(livestreamId)
      if (!recording) return found.recording.stop()
      // Said again when the host's media arrives (see media-lifecycle): a run already going carries on.
      if (!found.recording.running) await found.recording.record(recording.dir, recording.firstSeq, !!found.publisher)
    },
    stopShow,
    status,
    // The media this process receives from Janus for recording (its publisher's rtp_forward).
    async forwardRtp(livestreamId, target) {
      const found = target ? entry(livestreamId) : entries.get(livestreamId)
      return found ? switchRtpOut(found, target) : null
    },
    async stats() {
      const all: Record<string, ShowStatus> = {}
      for (const id of entries.keys()) all[id] = await status(id)
      return all
    },
    async edges() {
      return edges.status()
    },
    onEvent: listener => void listeners.push(listener),
    ping: () => link.ping(),
    async close() {
      for (const id of [...entries.keys()]) {
        const found = entries.get(id)!
        await found.recording.stop()
        for (const viewer of found.viewers.values()) await viewer.handle.detach().catch(() => {})
        if (found.publisher) {
          found.publisher.receiver.close()
          await found.publisher.handle.detach().catch(() => {})
        }
        found.show.close()
      }
      entries.clear()
      await Promise.all([link.close(), edges.close()])
    },
  }
}
