// The core: what the app does, built in one place from its parts (a Store, a clock, a data
// directory) and knowing nothing of HTTP or sockets. The API handlers and the socket's message
// handlers call the domain functions with it; tests build one on an in-memory store and a hand-moved clock.
import type { Store } from '../db'
import { p2pBackend, type MediaBackend } from '../media/backend'
import { systemClock, type Clock } from '../utils/clock'
import { storagePaths, type StoragePaths } from '../utils/files'
import { createKeyedMutex, type KeyedMutex } from '../utils/keyed-mutex'
import { createDomainEvents, type DomainEvents } from './events'
import { createLimits, memoryBuckets, type BucketStore, type LimitOverrides, type Limits } from './limits'
import { createLivestreamAnswers, type LivestreamAnswers } from './livestream-answers'
import { createSampleRecorder, type SampleRecorder } from './samples'
import { createSessions, type Sessions } from './sessions'
import { NO_WEBHOOKS, type WebhookConfig } from './webhooks'

/** Units of one product a buyer may take: in one order, and over one show per customer and per address. */
export interface OrderCaps { perOrder: number, perCustomerPerShow: number, perAddressPerShow: number }

export const DEFAULT_ORDER_CAPS: OrderCaps = { perOrder: 10, perCustomerPerShow: 20, perAddressPerShow: 100 }

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
    locks: createKeyedMutex(),
    samples,
    answers: createLivestreamAnswers({ store, events, clock }),
    flush: () => samples.flush(),
  }
}

/** The core's clock as an ISO time: what every stored `at` is stamped with. */
export const isoNow = (core: Pick<Core, 'clock'>) => new Date(core.clock.now()).toISOString()
