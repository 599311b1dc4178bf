import { RoomHub } from '../realtime/hub'
import { createMemoryBus, type Bus } from '../realtime/bus'
import { MAX_FRAME_BYTES } from '../realtime/limits'

// Starts the room hub on the Bus (Redis when NUXT_REDIS_URL is set). Named 1.* so that its close
// hook runs before the store plugin's: sockets are closed and their work finished while the
// database is still open.
export default defineNitroPlugin((nitroApp) => {
  // crossws hands these to the `ws` server: a larger frame closes the socket with 1009.
  const h3Options = nitroApp.h3App.options as { websocket?: Record<string, unknown> }
  h3Options.websocket = { ...h3Options.websocket, serverOptions: { maxPayload: MAX_FRAME_BYTES } }

  const starting = (async () => {
    const { redisUrl } = serverConfig()
    let bus: Bus
    if (redisUrl) {
      const { createRedisBus } = await import('../realtime/redis-bus')
      bus = await createRedisBus(redisUrl)
    }
    else {
      bus = createMemoryBus()
    }
    console.info(`[wrencos] real-time bus: ${bus.kind}`)
    return new RoomHub(await useStore(), bus)
  })()
  starting.then(hub => provideHub({ hub }), (error) => {
    console.error('[wrencos] could not start the real-time hub', error)
    provideHub({ error })
  })

  // Before Nitro's own SIGTERM handler (registered after plugins) drops every open connection,
  // tell each socket we are going away (1001), so clients reconnect to another process at once.
  process.once('SIGTERM', () => {
    starting.then(hub => hub.closeAll(1001, 'server shutting down'), () => {})
  })

  nitroApp.hooks.hook('close', async () => {
    const hub = await starting.catch(() => undefined)
    if (!hub) return
    await hub.shutdown()
    await hub.bus.close()
  })
})
