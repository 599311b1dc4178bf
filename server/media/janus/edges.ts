import type { EdgeStatus } from '../backend'
import { EdgeLoad, type EdgeJoin } from './edge-load'
import { JanusLink } from './janus-link'

/** How often each edge is asked how many viewers it has. */
const LOAD_POLL_MS = 2000

/**
 * One Janus that serves viewers: the origin (where the host publishes) or an edge
 * (NUXT_JANUS_EDGES) that the origin forwards each show to, as plain RTP, while it has viewers.
 */
export interface MediaServer {
  /** Its WebSocket URL, also its name in the metrics. */
  readonly url: string
  readonly link: JanusLink
  /** Where the origin's VideoRoom sends it RTP for its mountpoints. */
  readonly rtpHost: string
  readonly edge: boolean
  /** Viewers this process has on it now. */
  viewers: number
  /** Every process's viewers on it as it reported them, and the ones this process sent it since. */
  readonly load: EdgeLoad
}

/**
 * The Janus edges of this process (PROTOCOL.md, "Past one box"): a connection to each, kept up
 * as the origin's is, and its load (the viewers it reports across every process, polled, plus the
 * ones sent to it since), so each new viewer goes to the least loaded edge that is up. `onLost`
 * hears of an edge whose connection dropped: its viewers' sessions went with it.
 */
export class JanusEdges {
  readonly servers: MediaServer[]
  private poller?: ReturnType<typeof setInterval>

  constructor(urls: string[], secret: string | undefined, onLost: (server: MediaServer) => void, private readonly viewersOn: (server: MediaServer) => Promise<number>) {
    this.servers = urls.map((url) => {
      const server: MediaServer = {
        url,
        edge: true,
        rtpHost: new URL(url).hostname.replace(/^\[|\]$/g, ''),
        viewers: 0,
        load: new EdgeLoad(),
        link: new JanusLink(url, secret, () => {
          server.viewers = 0
          server.load.reset()
          onLost(server)
        }),
      }
      return server
    })
  }

  start() {
    for (const server of this.servers) server.link.start()
    this.poller = setInterval(() => void this.poll(), LOAD_POLL_MS)
    this.poller.unref?.()
  }

  /** The least loaded edge that is up, with the join counted on it; none when no edge is up (the origin serves then). */
  pick(): { server: MediaServer, join: EdgeJoin } | undefined {
    let best: MediaServer | undefined
    for (const server of this.servers) {
      if (!server.link.up) continue
      if (!best || load(server) < load(best)) best = server
    }
    return best && { server: best, join: best.load.join() }
  }

  status(): EdgeStatus[] {
    return this.servers.map(({ url, link, viewers, load }) => ({ url, up: link.up, viewers, reported: load.reported }))
  }

  /** Asks each edge that is up how many viewers it has (`viewersOn`). */
  private async poll() {
    await Promise.all(this.servers.filter(server => server.link.up).map(async (server) => {
      const answer = server.load.asking()
      try {
        answer(await this.viewersOn(server))
      }
      catch {
        // An edge that does not answer now keeps its last figure; its connection's loss is heard of separately.
      }
    }))
  }

  async close() {
    clearInterval(this.poller)
    await Promise.all(this.servers.map(server => server.link.close()))
  }
}

const load = (server: MediaServer) => server.load.value(server.viewers)
