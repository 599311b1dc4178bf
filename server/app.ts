// The app put together: the store, the core on it, the bus and the room hub, wired explicitly in
// this one place (no module subscribes to anything at import time), and taken apart in order.
import { openStore, type Store } from './db'
import { createCore, type Core } from './domain/core'
import { seedDemoData } from './domain/demo'
import { seedAdmin } from './domain/users'
import { createMemoryBus, type Bus } from './realtime/bus'
import { RoomHub } from './realtime/hub'

export interface AppConfig {
  dataDir: string
  mongodbUri: string
  redisUrl: string
  adminEmail: string
  adminPassword: string
  demoData: boolean
}

export interface App {
  readonly store: Store
  readonly core: Core
  readonly bus: Bus
  readonly hub: RoomHub
  /** Sockets first (1001, their work finished), then what the core still holds, then the bus and the store. */
  close(): Promise<void>
}

async function openBus(redisUrl: string): Promise<Bus> {
  if (!redisUrl) return createMemoryBus()
  const { createRedisBus } = await import('./realtime/redis-bus')
  return createRedisBus(redisUrl)
}

export async function startApp(config: AppConfig): Promise<App> {
  const store = await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir })
  if (await seedAdmin(store, config.adminEmail, config.adminPassword)) console.info(`[wrencos] created admin ${config.adminEmail}`)
  if (config.demoData && await seedDemoData(store)) console.info('[wrencos] added demo products and a scheduled livestream')
  console.info(`[wrencos] store: ${store.kind}${store.kind === 'sqlite' ? ` in ${config.dataDir}` : ''}`)
  const bus = await openBus(config.redisUrl)
  console.info(`[wrencos] real-time bus: ${bus.kind}`)
  const core = createCore({ store, dataDir: config.dataDir })
  const hub = new RoomHub({ core, bus })
  return {
    store,
    core,
    bus,
    hub,
    async close() {
      await hub.shutdown()
      core.answers.detach()
      await core.flush()
      await bus.close()
      await store.close()
    },
  }
}
