import { openStore } from '../db'
import { seedDemoData } from '../domain/demo'
import { flushSamples } from '../domain/samples'
import { seedAdmin } from '../domain/users'

// Opens the Store at start (MongoDB when configured, else SQLite in NUXT_DATA_DIR), seeds the
// admin and, in dev, demo data; closes it cleanly at shutdown.
export default defineNitroPlugin((nitroApp) => {
  const config = serverConfig()
  if (!import.meta.dev && !config.jwtSecret) {
    console.error('[wrencos] NUXT_JWT_SECRET is not set: refusing to start in production without a signing secret.')
    process.exit(1)
  }

  const opening = (async () => {
    const store = await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir })
    if (await seedAdmin(store, config.adminEmail, config.adminPassword)) console.info(`[wrencos] created admin ${config.adminEmail}`)
    if (config.demoData && await seedDemoData(store)) console.info('[wrencos] added demo products and a scheduled livestream')
    console.info(`[wrencos] store: ${store.kind}${store.kind === 'sqlite' ? ` in ${config.dataDir}` : ''}`)
    return store
  })()

  opening.then(
    store => provideStore({ store }),
    (error) => {
      console.error('[wrencos] could not open the store', error)
      provideStore({ error })
    },
  )

  nitroApp.hooks.hook('close', async () => {
    const store = await opening.catch(() => undefined)
    if (!store) return
    flushSamples(store)
    // Let the samples just queued reach the database before it closes.
    await new Promise(resolve => setTimeout(resolve, 50))
    await store.close()
  })
})
