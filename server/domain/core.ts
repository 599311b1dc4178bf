import type { DestinationStateName } from '#shared/types/models'
// The core: what the app does, built in one place from its parts (a Store, a clock, a data
// directory) and knowing nothing of HTTP or sockets. The API handlers and the socket's message
// handlers call the domain functions with it; tests build one on an in-memory store and a hand-moved clock.
import type { Store } from '../db'
import { p2pBackend, type MediaBackend } from '../media/backend'
import { HlsAudience } from '../media/hls/hls-audience'
import type { HlsProgress } from '../media/hls/hls-progress'
import { systemClock, type Clock } from '../utils/clock'
import { storagePaths, type StoragePaths } from '../utils/files'
import { createKeyedMutex, type KeyedMutex } from '../utils/keyed-mutex'
import { createDomainEvents, type DomainEvents } from './events'
import { createLimits, memoryBuckets, type BucketStore, type LimitOverrides, type Limits } from './limits'
import { createLivestreamAnswers, type LivestreamAnswers } from './livestream-answers'
import { createSampleRecorder, type SampleRecorder } from './samples'
import { createSessions, type Sessions } from './sessions'
import { memorySlots, type SlotStore } from './slots'
import { createViewerAdmission, type ViewerAdmission, type ViewerCaps } from './viewer-admission'
import { NO_MAIL, type MailConfig } from './reminders'
import { NO_WEBHOOKS, type WebhookConfig } from './webhooks'

/**
 * Units of one product a buyer may take: in one order, and over one show per customer and per
 * address; and how many buyers behind one address may each take a deal's per-customer allowance.
 */
export interface OrderCaps { perOrder: number, perCustomerPerShow: number, perAddressPerShow: number, dealBuyersPerAddress: number }

export const DEFAULT_ORDER_CAPS: OrderCaps = { perOrder: 10, perCustomerPerShow: 20, perAddressPerShow: 100, dealBuyersPerAddress: 2 }

export interface CoreParts {
  store: Store
  dataDir: string
  clock?: Clock
  /** Where the rate limits' buckets live: this process unless given (Redis, with several processes). */
  buckets?: BucketStore
  limits?: LimitOverrides
  orderCaps?: OrderCaps
  /** How video reaches viewers; none (p2p) unless given. */
  media?: MediaBackend
  /** Where webhooks go and how they are signed; nowhere unless given. */
  webhooks?: WebhookConfig
  /** How reminder mails go out; not at all unless given. */
  mail?: MailConfig
  /** Counted places shared by the processes (the bus's); this process's own unless given. */
  slots?: SlotStore
  /** WHEP sessions per address and per browser. */
  viewerCaps?: ViewerCaps
  /** Restreaming to RTMP and HLS: the secret that seals stream keys, whether ffmpeg is installed, whether shows are packaged as HLS. */
  restream?: { secret: string, ffmpeg: boolean, hls?: boolean }
}

/** Each restream destination's last state, as this process's pushes report them. */
export interface RestreamState {
  secret: string
  ffmpeg: boolean
  hls: boolean
  states: Map<string, { state: DestinationStateName, error?: string }>
  /** What each live show's HLS packager has written on this process (metrics). */
  hlsProgress: Map<string, HlsProgress>
  /** Who plays each show's HLS from this server (metrics). */
  hlsAudience: HlsAudience
}

export interface Core {
  readonly store: Store
  readonly clock: Clock
  readonly events: DomainEvents
  readonly paths: StoragePaths
  readonly limits: Limits
  readonly orderCaps: OrderCaps
  readonly sessions: Sessions
  readonly media: MediaBackend
  readonly webhooks: WebhookConfig
  readonly mail: MailConfig
  readonly restream: RestreamState
  readonly slots: SlotStore
  /** Who may open another WHEP session, and the places each one holds until it ends. */
  readonly viewers: ViewerAdmission
  /** Jobs that must not overlap for one thing (finalizing one show's recording). */
  readonly locks: KeyedMutex
  /** The analytics timeline's samples, throttled per show. */
  readonly samples: SampleRecorder
  /** GET /api/livestreams/:id, cached for a second. */
  readonly answers: LivestreamAnswers
  /** Writes everything throttled and waiting (samples), and waits for writes under way: at shutdown. */
  flush(): Promise<void>
}

export function createCore(parts: CoreParts): Core {
  const { store, dataDir, clock = systemClock } = parts
  const events = createDomainEvents()
  const samples = createSampleRecorder(store, clock)
  const slots = parts.slots ?? memorySlots()
  return {
    store,
    clock,
    events,
    paths: storagePaths(dataDir),
    limits: createLimits(parts.buckets ?? memoryBuckets(clock), parts.limits),
    orderCaps: parts.orderCaps ?? DEFAULT_ORDER_CAPS,
    sessions: createSessions(store, clock),
    media: parts.media ?? p2pBackend(),
    webhooks: parts.webhooks ?? NO_WEBHOOKS,
    mail: parts.mail ?? NO_MAIL,
    restream: { secret: parts.restream?.secret ?? parts.mail?.secret ?? '', ffmpeg: parts.restream?.ffmpeg ?? false, hls: !!parts.restream?.hls && !!parts.restream.ffmpeg, states: new Map(), hlsProgress: new Map(), hlsAudience: new HlsAudience() },
    slots,
    viewers: createViewerAdmission(slots, parts.viewerCaps),
    locks: createKeyedMutex(),
    samples,
    answers: createLivestreamAnswers({ store, events, clock }),
    flush: () => samples.flush(),
  }
}

/** The core's clock as an ISO time: what every stored `at` is stamped with. */
export const isoNow = (core: Pick<Core, 'clock'>) => new Date(core.clock.now()).toISOString()
