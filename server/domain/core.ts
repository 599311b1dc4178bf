// The core: what the app does, built in one place from its parts (a Store, a clock, a data
// directory) and knowing nothing of HTTP or sockets. The API handlers and the socket's message
// handlers call the domain functions with it; tests build one on an in-memory store and a hand-moved clock.
import type { Store } from '../db'
import { systemClock, type Clock } from '../utils/clock'
import { storagePaths, type StoragePaths } from '../utils/files'
import { createDomainEvents, type DomainEvents } from './events'
import { createLimits, type Limits } from './limits'
import { createLivestreamAnswers, type LivestreamAnswers } from './livestream-answers'
import { createSampleRecorder, type SampleRecorder } from './samples'

export interface Core {
  readonly store: Store
  readonly clock: Clock
  readonly events: DomainEvents
  readonly paths: StoragePaths
  readonly limits: Limits
  /** The analytics timeline's samples, throttled per show. */
  readonly samples: SampleRecorder
  /** GET /api/livestreams/:id, cached for a second. */
  readonly answers: LivestreamAnswers
  /** Writes everything throttled and waiting (samples), and waits for writes under way: at shutdown. */
  flush(): Promise<void>
}

export function createCore(parts: { store: Store, dataDir: string, clock?: Clock }): Core {
  const { store, dataDir, clock = systemClock } = parts
  const events = createDomainEvents()
  const samples = createSampleRecorder(store, clock)
  return {
    store,
    clock,
    events,
    paths: storagePaths(dataDir),
    limits: createLimits(clock),
    samples,
    answers: createLivestreamAnswers({ store, events, clock }),
    flush: () => samples.flush(),
  }
}

/** The core's clock as an ISO time: what every stored `at` is stamped with. */
export const isoNow = (core: Pick<Core, 'clock'>) => new Date(core.clock.now()).toISOString()
