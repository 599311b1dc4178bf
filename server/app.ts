// The app put together: the store, the core on it, the bus and the room hub, wired explicitly in
// this one place (no module subscribes to anything at import time), and taken apart in order.
import { openStore, type Store } from './db'
import { createCore, type Core, type OrderCaps } from './domain/core'
import { DEFAULT_VIEWER_CAPS } from './domain/viewer-admission'
import { seedDemoData } from './domain/demo'
import type { BucketStore, LimitOverrides } from './domain/limits'
import { wireDeals } from './domain/deal-lifecycle'
import { wirePolls } from './domain/poll-lifecycle'
import { ffmpegInstalled } from './media/restream/ffmpeg-process'
import { wireRestream } from './media/restream/restreamer'
import { wireWebhooks } from './domain/webhook-sender'
import { wireReminders } from './domain/mail-sender'
import type { MailConfig } from './domain/reminders'
import type { WebhookConfig } from './domain/webhooks'
import { wireMediaLifecycle } from './domain/media-lifecycle'
import { reconcileViewerCounts, recoverSamples, sweepLeftovers } from './domain/recovery'
import type { MediaBackend, MediaMode } from './media/backend'
import type { CapacityBudget } from './media/relay/capacity'
import type { ViewerStack } from './media/relay/viewer-stack'
import type { RelayNetwork } from './media/relay/peer-config'
import { seedAdmin } from './domain/users'
import { createMemoryBus, type Bus } from './realtime/bus'
import { RoomHub } from './realtime/hub'
import { createMetrics, type Metrics } from './app-metrics'

export interface AppConfig {
  dataDir: string
  mongodbUri: string
  redisUrl: string
  adminEmail: string
  adminPassword: string
  demoData: boolean
  limits?: LimitOverrides
  orderCaps?: OrderCaps
  media?: { mode: MediaMode, maxViewers: number, capacity?: CapacityBudget, network: RelayNetwork, viewerStack?: ViewerStack, janus?: { url: string, edges?: string[], apiSecret: string, forwardHost: string } }
  /** Sockets, and so WHEP sessions, one address may hold. */
  maxSocketsPerAddress?: number
  webhooks?: WebhookConfig
  /** Reminder mails; off unless given. */
  mail?: MailConfig
  /** Live shows packaged as HLS too (NUXT_HLS); needs ffmpeg. */
  hls?: boolean
}

/** The media backend of `config.media.mode` (relay by default; p2p carries none). */
async function openMedia(config: AppConfig): Promise<MediaBackend> {
  const media = config.media ?? { mode: 'p2p', maxViewers: 0, network: { loopback: false } }
  if (media.mode === 'relay') {
    const [{ relayBackend }, { default: relay }, { default: ingest }] = await Promise.all([
      import('./media/relay/relay-backend'), import('./media/relay/worker.ts?worker-url'), import('./media/relay/ingest-worker.ts?worker-url'),
    ])
    return relayBackend({ relay, ingest }, { network: media.network, maxViewers: media.maxViewers, capacity: media.capacity, viewerStack: media.viewerStack })
  }
  if (media.mode === 'janus') {
    const { janusBackend } = await import('./media/janus/janus-backend')
    const janus = media.janus ?? { url: 'ws://127.0.0.1:8188', apiSecret: '', forwardHost: '127.0.0.1' }
    return janusBackend({ url: janus.url, edges: janus.edges, apiSecret: janus.apiSecret, maxViewers: media.maxViewers, forwardHost: janus.forwardHost })
  }
  const { p2pBackend } = await import('./media/backend')
  return p2pBackend()
}

export interface App {
  readonly store: Store
  readonly core: Core
  readonly bus: Bus
  readonly hub: RoomHub
  readonly metrics: Metrics
  /** Whether each part answers now, for /readyz (false for all while draining). */
  readiness(): Promise<{ ready: boolean, draining: boolean, checks: Record<string, boolean> }>
  /** True from SIGTERM on: /readyz says so, and new sockets are refused, before the open ones are closed. */
  readonly draining: boolean
  drain(): void
  /** Sockets first (1001, their work finished), then what the core still holds, then the bus and the store. */
  close(): Promise<void>
}

/** How often viewer counts are checked against presence: a process that died stops counting within this. */
const RECONCILE_EVERY_MS = 15_000
/** How often half-written leftovers are looked for. */
const SWEEP_EVERY_MS = 3600_000

async function openBus(redisUrl: string): Promise<{ bus: Bus, buckets?: BucketStore, closeBuckets?: () => void }> {
  if (!redisUrl) return { bus: createMemoryBus() }
  const [{ createRedisBus }, { redisBuckets }, { Redis }] = await Promise.all([import('./realtime/redis-bus'), import('./realtime/redis-buckets'), import('ioredis')])
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 })
  return { bus: await createRedisBus(redisUrl), buckets: redisBuckets(redis), closeBuckets: () => redis.disconnect() }
}

export async function startApp(config: AppConfig): Promise<App> {
  const store = await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir })
  if (await seedAdmin(store, config.adminEmail, config.adminPassword)) console.info(`[wrencos] created admin ${config.adminEmail}`)
  if (config.demoData && await seedDemoData(store)) console.info('[wrencos] added demo products and a scheduled livestream')
  console.info(`[wrencos] store: ${store.kind}${store.kind === 'sqlite' ? ` in ${config.dataDir}` : ''}`)
  const { bus, buckets, closeBuckets } = await openBus(config.redisUrl)
  console.info(`[wrencos] real-time bus: ${bus.kind}`)
  const media = await openMedia(config)
  console.info(`[wrencos] media: ${media.mode}`)
  const core = createCore({ store, dataDir: config.dataDir, buckets, limits: config.limits, orderCaps: config.orderCaps, media, webhooks: config.webhooks, mail: config.mail,
    slots: bus.slots, restream: { secret: config.mail?.secret ?? '', ffmpeg: ffmpegInstalled(), hls: !!config.hls }, viewerCaps: { ...DEFAULT_VIEWER_CAPS, ...(config.maxSocketsPerAddress ? { perAddress: config.maxSocketsPerAddress } : {}) },
  })
  const hub = new RoomHub({ core, bus })
  const detachMedia = wireMediaLifecycle(core)
  const detachDeals = wireDeals(core)
  const detachPolls = wirePolls(core)
  const stopRestreams = wireRestream(core)
  const detachWebhooks = wireWebhooks(core)
  const detachReminders = wireReminders(core)

  // What a restart (clean or killed) must put right before the first viewer arrives.
  await reconcileViewerCounts(core, bus.presence)
  await recoverSamples(core)
  const swept = await sweepLeftovers(core)
  if (swept) console.info(`[wrencos] removed ${swept} half-written file(s) left by an earlier process`)
  const timers = [
    setInterval(() => void reconcileViewerCounts(core, bus.presence).catch(error => console.error('[wrencos] viewer counts', error)), RECONCILE_EVERY_MS),
    setInterval(() => void sweepLeftovers(core).catch(error => console.error('[wrencos] sweep', error)), SWEEP_EVERY_MS),
  ]
  timers.forEach(timer => timer.unref())

  const metrics = createMetrics({ core, hub, bus })
  let draining = false
  return {
    store,
    core,
    bus,
    hub,
    metrics,
    async readiness() {
      const answers = async (check: () => Promise<unknown>) => {
        const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000).unref())
        return Promise.race([check(), timeout]).then(() => true, () => false)
      }
      const checks = { store: await answers(() => store.ping()), bus: await answers(() => bus.ping()), media: await answers(() => media.ping()) }
      return { ready: !draining && Object.values(checks).every(Boolean), draining, checks }
    },
    get draining() {
      return draining
    },
    drain() {
      draining = true
    },
    async close() {
      draining = true
      timers.forEach(timer => clearInterval(timer))
      metrics.detach()
      await hub.shutdown()
      detachMedia()
      detachDeals()
      detachPolls()
      await stopRestreams()
      detachWebhooks()
      detachReminders()
      await media.close()
      core.answers.detach()
      await core.flush()
      await bus.close()
      closeBuckets?.()
      await store.close()
    },
  }
}
