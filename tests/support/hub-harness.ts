// A room hub on an in-memory store, the in-process bus and a hand-moved clock, with sockets that
// keep what they are sent: the hub's handlers, fan-out and throttles tested in milliseconds, no build.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ServerMessage } from '../../shared/schemas/socket'
import type { Store } from '../../server/db'
import { openSqliteStore } from '../../server/db/sqlite/store'
import { createCore, type Core } from '../../server/domain/core'
import { createMemoryBus, type Bus } from '../../server/realtime/bus'
import { openConnection, type Connection } from '../../server/realtime/connection'
import { RoomHub } from '../../server/realtime/hub'
import type { AuthUser } from '../../server/utils/jwt'
import { manualClock, type ManualClock } from './manual-clock'

export type Received = ServerMessage & Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export interface TestConnection extends Connection {
  frames: Received[]
  closed?: { code: number, reason: string }
  /** Frames of `type` received so far. */
  all(type: string): Received[]
  last(type: string): Received | undefined
  /** Sends a frame and waits until the hub has handled it. */
  say(message: unknown): Promise<void>
}

export interface Harness {
  store: Store
  core: Core
  bus: Bus
  hub: RoomHub
  clock: ManualClock
  connect(user?: AuthUser | null, from?: { deviceId?: string, address?: string }): TestConnection
  /** Moves the clock by `ms` and lets what that started (stored counts, frames) finish. */
  tick(ms?: number): Promise<void>
}

const settle = () => new Promise(resolve => setImmediate(resolve))

export function hubHarness(options: { bus?: Bus, store?: Store, clock?: ManualClock } = {}): Harness {
  const clock = options.clock ?? manualClock()
  const store = options.store ?? openSqliteStore(':memory:')
  const core = createCore({ store, clock, dataDir: mkdtempSync(join(tmpdir(), 'wrencos-hub-')) })
  const bus = options.bus ?? createMemoryBus()
  const hub = new RoomHub({ core, bus })
  return {
    store,
    core,
    bus,
    hub,
    clock,
    connect(user = null, from = {}) {
      const frames: Received[] = []
      const connection = openConnection({
        user,
        ...from,
        send: text => void frames.push(JSON.parse(text)),
        close: (code, reason) => {
          test.closed = { code, reason }
        },
      })
      const test: TestConnection = Object.assign(connection, {
        frames,
        all: (type: string) => frames.filter(frame => frame.type === type),
        last: (type: string) => frames.filter(frame => frame.type === type).at(-1),
        async say(message: unknown) {
          hub.receive(test, typeof message === 'string' ? message : JSON.stringify(message))
          await test.queue
          await settle()
        },
      })
      hub.connect(test)
      return test
    },
    async tick(ms = 0) {
      await settle()
      clock.advance(ms)
      for (let i = 0; i < 5; i++) await settle()
    },
  }
}

export const admin: AuthUser = { id: 'a'.repeat(24), role: 'admin', displayName: 'WrenCos Studio' }
export const customer = (n = 1): AuthUser => ({ id: String(n).padStart(24, 'c'), role: 'customer', displayName: `Customer ${n}` })
export const sessionId = (n = 1) => `session-${String(n).padStart(6, '0')}`
