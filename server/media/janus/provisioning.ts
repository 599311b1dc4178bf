import { createHash } from 'node:crypto'
import StreamingPlugin from 'janode/plugins/streaming'
import VideoRoomPlugin from 'janode/plugins/videoroom'
import { MediaError } from '../backend'
import type { MediaServer } from './edges'
import { ask, janusCode, type JanusHandle, type JanusPlugin } from './janus-link'

/** Janus's codes for "already there" and "not there". */
const ROOM_EXISTS = 427
export const NO_SUCH_ROOM = 426
const MOUNTPOINT_EXISTS = 456
export const NO_SUCH_MOUNTPOINT = 455

export const videoroom: JanusPlugin = VideoRoomPlugin
export const streaming: JanusPlugin = StreamingPlugin

/** Janus ids are numbers: a show's room, publisher and mountpoints get stable ones from its id, the same in every process. */
export const janusId = (key: string) => Number.parseInt(createHash('sha256').update(key).digest('hex').slice(0, 12), 16)

/** Mountpoints say whose they are in their description, so any process finds a show's mountpoints. */
const describe = (livestreamId: string) => `wrencos ${livestreamId}`
const describesAShow = (description: string) => description.startsWith('wrencos ')

/** What any process needs to know of a show's publisher to feed a mountpoint from it. */
export interface PublisherInfo {
  codec: 'vp8' | 'h264'
  videoMid: string
  audioMid?: string
  simulcast: boolean
}

/** A PublisherInfo read back from the room's participant list (another process's publisher). */
function parseInfo(display: string | undefined): PublisherInfo | undefined {
  try {
    const info = JSON.parse(display ?? '') as Partial<PublisherInfo>
    if ((info.codec === 'vp8' || info.codec === 'h264') && typeof info.videoMid === 'string') {
      return { codec: info.codec, videoMid: info.videoMid, audioMid: typeof info.audioMid === 'string' ? info.audioMid : undefined, simulcast: !!info.simulcast }
    }
  }
  catch {
    // Not a display this project wrote (a participant Janus's own demos added): no publisher of ours.
  }
  return undefined
}

interface Mountpoint {
  id: number
  /** The payload types it was made with (its metadata), which its forwarder must use. */
  pts: { video: number, audio?: number }
  video?: { port: number, port2?: number, port3?: number, rtcpport?: number }
  audio?: { port: number }
}

const portsOf = (mountpoint: Mountpoint) => [mountpoint.video?.port, mountpoint.video?.port2, mountpoint.video?.port3, mountpoint.audio?.port]
  .filter((port): port is number => !!port)

/**
 * The rooms, mountpoints and forwards of janus mode: one VideoRoom per show on the origin (where
 * the host publishes), and Streaming mountpoints, fed from it by rtp_forward, on whichever Janus
 * serves its viewers: the origin itself, or an edge (NUXT_JANUS_EDGES) at its own address.
 * Everything is found again from the show's id, so any process can feed, find or remove it.
 */
export function janusProvisioning(origin: MediaServer, secret: string | undefined) {
  /**
   * The ports of each show's mountpoints on each edge that this process feeds or watches: when an
   * edge dies its mountpoints cannot be asked for them, and the origin's forwards to them must stop.
   */
  const edgePorts = new Map<MediaServer, Map<string, { ids: Set<number>, ports: Set<number> }>>()
  function remember(server: MediaServer, livestreamId: string, mountpoint: Mountpoint) {
    if (!server.edge) return
    let shows = edgePorts.get(server)
    if (!shows) edgePorts.set(server, (shows = new Map()))
    let known = shows.get(livestreamId)
    if (!known) shows.set(livestreamId, (known = { ids: new Set(), ports: new Set() }))
    known.ids.add(mountpoint.id)
    for (const port of portsOf(mountpoint)) known.ports.add(port)
  }
  const remembered = (server: MediaServer, livestreamId: string, id: number) => !!edgePorts.get(server)?.get(livestreamId)?.ids.has(id)

  /** A handle for one-off requests (create, list, forward), detached after. */
  async function withHandle<T>(plugin: JanusPlugin, work: (handle: JanusHandle) => Promise<T>, server = origin): Promise<T> {
    const handle = await server.link.attach(plugin)
    try {
      return await work(handle)
    }
    finally {
      void handle.detach().catch(() => {})
    }
  }

  async function ensureRoom(handle: JanusHandle, livestreamId: string) {
    try {
      await ask(handle, {
        request: 'create', room: janusId(livestreamId), admin_key: secret, secret, description: describe(livestreamId),
        publishers: 1, videocodec: 'vp8,h264', audiocodec: 'opus', bitrate: 0,
        // A key frame asked of the host every 2 s: late viewers start soon, and the replay has seek points.
        fir_freq: 2, notify_joining: false,
      })
    }
    catch (error) {
      if (janusCode(error) !== ROOM_EXISTS) throw error
    }
  }

  function askRoom(livestreamId: string): Promise<PublisherInfo | undefined> {
    return withHandle(videoroom, async (handle) => {
      try {
        const { data } = await ask(handle, { request: 'listparticipants', room: janusId(livestreamId) })
        const participants = (data.participants ?? []) as { id: number, publisher?: boolean, display?: string }[]
        const publisher = participants.find(participant => participant.id === janusId(livestreamId) && participant.publisher)
        // The publisher's display is its PublisherInfo (see publish): another process knows how to feed a mountpoint from it.
        return publisher ? parseInfo(publisher.display) : undefined
      }
      catch (error) {
        if (janusCode(error) === NO_SUCH_ROOM) return undefined
        throw error
      }
    })
  }

  /**
   * Is a publisher in the show's room (in whichever process it came in)? Every socket's
   * registration asks (media_state), so the questions in flight for a show are shared, one round
   * trip for a crowd arriving at once.
   */
  const asking = new Map<string, Promise<PublisherInfo | undefined>>()
  function roomPublisher(livestreamId: string): Promise<PublisherInfo | undefined> {
    let question = asking.get(livestreamId)
    if (!question) {
      question = askRoom(livestreamId).finally(() => asking.delete(livestreamId))
      asking.set(livestreamId, question)
    }
    return question
  }

  /** The show's mountpoints on `server`, with their ports (asked with the secret), for forwarding to them. */
  async function mountpointsOf(livestreamId: string, server = origin): Promise<Mountpoint[]> {
    return withHandle(streaming, async (handle) => {
      const { data } = await ask(handle, { request: 'list', admin_key: secret })
      const ours = ((data.list ?? []) as { id: number, description?: string, metadata?: string }[]).filter(item => item.description === describe(livestreamId))
      const found: Mountpoint[] = []
      for (const item of ours) {
        const { data: info } = await ask(handle, { request: 'info', id: item.id, secret }).catch(() => ({ data: {} as Record<string, unknown> }))
        const media = ((info.info as { media?: Record<string, unknown>[] } | undefined)?.media ?? [])
        const video = media.find(stream => stream.type === 'video') as Mountpoint['video'] | undefined
        const audio = media.find(stream => stream.type === 'audio') as Mountpoint['audio'] | undefined
        const pts = JSON.parse(item.metadata || '{}') as Mountpoint['pts']
        if (typeof pts.video === 'number') found.push({ id: item.id, pts, video, audio })
      }
      return found
    }, server)
  }

  /** Forwards the room's publisher to a mountpoint on `server` (each simulcast layer to its port, with PLI fed back). */
  async function forward(livestreamId: string, from: PublisherInfo, to: Mountpoint, server: MediaServer) {
    const { pts } = to
    const streams: Record<string, unknown>[] = []
    if (to.video) {
      streams.push({
        mid: from.videoMid, port: to.video.port, pt: pts.video, rtcp_port: to.video.rtcpport,
        ...(from.simulcast && to.video.port2 ? { port_2: to.video.port2, pt_2: pts.video, port_3: to.video.port3, pt_3: pts.video } : {}),
      })
    }
    if (to.audio && from.audioMid) streams.push({ mid: from.audioMid, port: to.audio.port, pt: pts.audio })
    await withHandle(videoroom, room => ask(room, { request: 'rtp_forward', room: janusId(livestreamId), publisher_id: janusId(livestreamId), host: server.rtpHost, admin_key: secret, secret, streams }))
  }

  /**
   * Stops the show's forwards to `host` on `ports` (a mountpoint that went, on an edge that
   * died or has no viewers left), whichever process started them: the origin lists them.
   */
  async function stopForwards(livestreamId: string, host: string, ports: number[]) {
    if (!ports.length || !origin.link.up) return
    await withHandle(videoroom, async (room) => {
      const { data } = await ask(room, { request: 'listforwarders', room: janusId(livestreamId), secret })
      const publishers = (data.publishers ?? []) as { publisher_id: number, forwarders?: { stream_id: number, host?: string, ip?: string, port: number }[] }[]
      for (const publisher of publishers) {
        for (const forwarder of publisher.forwarders ?? []) {
          if ((forwarder.host ?? forwarder.ip) !== host || !ports.includes(forwarder.port)) continue
          await ask(room, { request: 'stop_rtp_forward', room: janusId(livestreamId), publisher_id: publisher.publisher_id, stream_id: forwarder.stream_id, secret }).catch(() => {})
        }
      }
    }).catch((error) => {
      if (janusCode(error) !== NO_SUCH_ROOM) console.error(`[janus] could not stop the forwards of ${livestreamId} to ${host}`, error)
    })
  }

  /**
   * The mountpoint on `server` for a show's codec and a viewer's payload types, made (and fed
   * from `from`) if it is new. Answers its id and the ports the origin sends it.
   */
  async function ensureMountpoint(livestreamId: string, from: PublisherInfo, pts: { video: number, audio?: number }, server = origin) {
    const { codec } = from
    const id = janusId(`${livestreamId}/${codec}/${pts.video}/${pts.audio ?? '-'}`)
    return withHandle(streaming, async (handle) => {
      const media: Record<string, unknown>[] = [{
        type: 'video', mid: 'v', port: 0, rtcpport: 0, pt: pts.video, codec,
        ...(codec === 'h264' ? { fmtp: 'profile-level-id=42e01f;packetization-mode=1' } : {}),
        // New viewers get the last key frame at once, and a layer that stops falls back to the one below.
        buffer: true, simulcast: true, port2: 0, port3: 0,
      }]
      if (pts.audio !== undefined) media.push({ type: 'audio', mid: 'a', port: 0, pt: pts.audio, codec: 'opus', fmtp: 'minptime=10;useinbandfec=1' })
      try {
        const { data } = await ask(handle, { request: 'create', type: 'rtp', id, admin_key: secret, secret, description: describe(livestreamId), metadata: JSON.stringify(pts), media })
        const ports = ((data.stream as { ports?: Record<string, number | string>[] }).ports ?? [])
        const video = ports.find(port => port.type === 'video')
        const audio = ports.find(port => port.type === 'audio')
        const to: Mountpoint = {
          id,
          pts,
          video: video ? { port: Number(video.port), port2: Number(video.port_2), port3: Number(video.port_3), rtcpport: Number(video.rtcp_port) } : undefined,
          audio: audio ? { port: Number(audio.port) } : undefined,
        }
        await forward(livestreamId, from, to, server).catch(async (error) => {
          // Unfed, it would serve nobody: gone, so the next viewer makes it again.
          await ask(handle, { request: 'destroy', id, secret }).catch(() => {})
          throw error
        })
        remember(server, livestreamId, to)
      }
      catch (error) {
        if (janusCode(error) !== MOUNTPOINT_EXISTS) throw error
        // Made by another process: its ports are learnt once, in case this edge dies.
        if (server.edge && !remembered(server, livestreamId, id)) {
          for (const mountpoint of await mountpointsOf(livestreamId, server)) remember(server, livestreamId, mountpoint)
        }
      }
      return id
    }, server)
  }

  /** A publisher who came (back): every mountpoint of the show on `servers` is fed by it now. */
  async function feedMountpoints(livestreamId: string, info: PublisherInfo, servers: MediaServer[]) {
    for (const server of servers.filter(one => one.link.up)) {
      for (const mountpoint of await mountpointsOf(livestreamId, server)) await forward(livestreamId, info, mountpoint, server).catch(() => {})
    }
  }

  /**
   * The show's mountpoints on `server` go, and the forwards to them; with `ifIdle`, only when
   * none has a viewer left (on any process): an edge keeps a show only while it has viewers.
   */
  async function removeMountpoints(livestreamId: string, server: MediaServer, options: { ifIdle?: boolean } = {}) {
    if (!server.link.up) return
    await withHandle(streaming, async (handle) => {
      const mountpoints = await mountpointsOf(livestreamId, server)
      if (options.ifIdle) {
        for (const mountpoint of mountpoints) if (await viewersOf(handle, mountpoint.id) > 0) return
      }
      for (const mountpoint of mountpoints) await ask(handle, { request: 'destroy', id: mountpoint.id, secret }).catch(() => {})
      edgePorts.get(server)?.delete(livestreamId)
      if (server.edge) await stopForwards(livestreamId, server.rtpHost, mountpoints.flatMap(portsOf))
    }, server).catch(error => console.error(`[janus] could not remove the mountpoints of ${livestreamId} on ${server.url}`, error))
  }

  /** An edge died: the origin stops sending it the shows this process knew it had. */
  async function edgeLost(server: MediaServer) {
    const shows = edgePorts.get(server)
    edgePorts.delete(server)
    for (const [livestreamId, { ports }] of shows ?? []) await stopForwards(livestreamId, server.rtpHost, [...ports])
  }

  /** The viewers `server` reports on its mountpoints of our shows, every process's (Streaming's `info`). */
  async function viewersOn(server: MediaServer): Promise<number> {
    return withHandle(streaming, async (handle) => {
      const { data } = await ask(handle, { request: 'list', admin_key: secret })
      const ours = ((data.list ?? []) as { id: number, description?: string }[]).filter(item => describesAShow(item.description ?? ''))
      let viewers = 0
      for (const item of ours) viewers += await viewersOf(handle, item.id)
      return viewers
    }, server)
  }

  const viewersOf = async (handle: JanusHandle, id: number) => {
    const { data } = await ask(handle, { request: 'info', id, secret }).catch(() => ({ data: {} as Record<string, unknown> }))
    return Number((data.info as { viewers?: number } | undefined)?.viewers ?? 0)
  }

  /** The show's room goes from the origin (its publisher and forwards with it). */
  async function removeRoom(livestreamId: string) {
    await withHandle(videoroom, handle => ask(handle, { request: 'destroy', room: janusId(livestreamId), secret }))
      .catch((error) => {
        if (janusCode(error) !== NO_SUCH_ROOM) console.error('[janus] could not remove the show\'s room', error)
      })
  }

  /** The mountpoint a viewer watches, on `server`, for the show's codec and its payload types. */
  async function mountpointFor(livestreamId: string, published: PublisherInfo, pts: { video: number, audio?: number }, server: MediaServer) {
    return ensureMountpoint(livestreamId, published, pts, server).catch((error) => {
      if (error instanceof MediaError) throw error
      console.error(`[janus] could not set up a mountpoint on ${server.url}`, error)
      throw new MediaError('unavailable', 'the show\'s stream could not be set up; try again')
    })
  }

  return { withHandle, ensureRoom, roomPublisher, mountpointFor, feedMountpoints, removeMountpoints, removeRoom, edgeLost, viewersOn }
}

export type JanusProvisioning = ReturnType<typeof janusProvisioning>
