// Prometheus metrics for an operator (prom-client): what the app holds now, read at each scrape,
// and what it has done since start. A registry of its own per app, not prom-client's global one.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import type { App } from './app'
import { listenTo } from './domain/events'

export function createMetrics(app: Pick<App, 'core' | 'hub' | 'bus'>) {
  const registry = new Registry()
  // Event-loop lag, heap, CPU and the like, as every Node service exposes them.
  collectDefaultMetrics({ register: registry })

  new Gauge({
    name: 'wrencos_sockets',
    help: 'WebSocket connections open on this process',
    registers: [registry],
    collect() {
      this.set(app.hub.stats.sockets)
    },
  })
  new Gauge({
    name: 'wrencos_rooms',
    help: 'Show rooms this process has sockets in',
    registers: [registry],
    collect() {
      this.set(app.hub.stats.rooms)
    },
  })
  new Gauge({
    name: 'wrencos_viewers',
    help: 'Viewers of each live show, across processes',
    labelNames: ['livestream'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const show of await app.core.store.listLivestreams({ status: 'live', limit: 1000 })) {
        this.set({ livestream: show.id }, await app.bus.presence.count(show.id))
      }
    },
  })
  // What the media server in this process carries (relay mode; p2p and janus report nothing here).
  // Each scrape asks the relay's worker once (in text()); the three gauges read that answer.
  let mediaStats: ReturnType<typeof app.core.media.stats> = Promise.resolve({})
  const readMedia = () => mediaStats
  new Gauge({
    name: 'wrencos_media_viewers',
    help: 'WHEP viewers the media server in this process sends each show to',
    labelNames: ['livestream'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const [livestream, show] of Object.entries(await readMedia())) this.set({ livestream }, show.viewers)
    },
  })
  new Gauge({
    name: 'wrencos_media_publishing',
    help: 'Whether media arrives for each show (1) or not (0)',
    labelNames: ['livestream'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const [livestream, show] of Object.entries(await readMedia())) this.set({ livestream }, show.publishing ? 1 : 0)
    },
  })
  new Gauge({
    name: 'wrencos_media_layer_bitrate_bps',
    help: 'Bits per second arriving in each video layer (simulcast rid, or "main") of each show',
    labelNames: ['livestream', 'layer'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const [livestream, show] of Object.entries(await readMedia())) {
        for (const layer of show.layers) this.set({ livestream, layer: layer.source }, layer.bitrate)
      }
    },
  })
  // The two ways a picture leaves this process: WebRTC (WHEP sessions here) and HLS (players of the playlist here).
  new Gauge({
    name: 'wrencos_viewers_by_path',
    help: 'Viewers of each show on this process by the way the video reaches them (webrtc, hls)',
    labelNames: ['livestream', 'path'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const [livestream, show] of Object.entries(await readMedia())) this.set({ livestream, path: 'webrtc' }, show.viewers)
      const audience = app.core.restream.hlsAudience
      for (const livestream of audience.livestreams()) this.set({ livestream, path: 'hls' }, audience.count(livestream))
    },
  })
  new Gauge({
    name: 'wrencos_hls_segments_written',
    help: 'HLS segments the packager of each show has finished on this process since it started',
    labelNames: ['livestream'],
    registers: [registry],
    collect() {
      this.reset()
      for (const [livestream, progress] of app.core.restream.hlsProgress) this.set({ livestream }, progress.segments)
    },
  })
  new Gauge({
    name: 'wrencos_hls_segment_age_seconds',
    help: 'How long ago the newest HLS segment of each show was finished (a stuck packager grows it)',
    labelNames: ['livestream'],
    registers: [registry],
    collect() {
      this.reset()
      for (const [livestream, progress] of app.core.restream.hlsProgress) {
        if (progress.lastAt) this.set({ livestream }, (Date.now() - progress.lastAt) / 1000)
      }
    },
  })
  // Janus edges (NUXT_JANUS_EDGES): how the viewers spread, and which edges are up.
  let edgeStats: ReturnType<typeof app.core.media.edges> = Promise.resolve([])
  new Gauge({
    name: 'wrencos_media_edge_viewers',
    help: 'WHEP viewers on each Janus edge: this process\'s (scope="process") and every process\'s as the edge reports them (scope="edge")',
    labelNames: ['edge', 'scope'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const edge of await edgeStats) {
        this.set({ edge: edge.url, scope: 'process' }, edge.viewers)
        this.set({ edge: edge.url, scope: 'edge' }, edge.reported)
      }
    },
  })
  new Gauge({
    name: 'wrencos_media_edge_up',
    help: 'Whether this process is connected to each Janus edge (1) or not (0)',
    labelNames: ['edge'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const edge of await edgeStats) this.set({ edge: edge.url }, edge.up ? 1 : 0)
    },
  })
  const refusals = new Counter({
    name: 'wrencos_rate_limit_refusals_total',
    help: 'Requests and messages refused by a rate limit, by limit and what it counts',
    labelNames: ['limit', 'scope'],
    registers: [registry],
  })
  let reported = new Map<string, number>()
  const readRefusals = () => {
    for (const [key, count] of app.core.limits.refused) {
      const added = count - (reported.get(key) ?? 0)
      const [limit, scope] = key.split(':')
      if (added > 0) refusals.inc({ limit, scope }, added)
    }
    reported = new Map(app.core.limits.refused)
  }
  const orders = new Counter({ name: 'wrencos_orders_total', help: 'Orders placed on this process', registers: [registry] })
  const revenue = new Counter({ name: 'wrencos_order_revenue_cents_total', help: 'Order totals placed on this process, in minor units, by currency', labelNames: ['currency'], registers: [registry] })
  const detach = listenTo(app.core.events, {
    order: (order) => {
      orders.inc()
      revenue.inc({ currency: order.currency }, order.totalCents)
    },
  })

  return {
    contentType: registry.contentType,
    async text() {
      readRefusals()
      mediaStats = app.core.media.stats().catch(() => ({}))
      edgeStats = app.core.media.edges().catch(() => [])
      return registry.metrics()
    },
    detach,
  }
}

export type Metrics = ReturnType<typeof createMetrics>
