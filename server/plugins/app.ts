import { startApp } from '../app'
import { parseWebhookUrls } from '../domain/webhooks'
import { mailConfigOf } from '../utils/mail-config'
import { MAX_FRAME_BYTES } from '../realtime/limits'

// Starts the app (store, core, bus, hub) and closes it in order at shutdown.
export default defineNitroPlugin((nitroApp) => {
  const config = serverConfig()
  if (!import.meta.dev && !config.jwtSecret) {
    console.error('[wrencos] NUXT_JWT_SECRET is not set: refusing to start in production without a signing secret.')
    process.exit(1)
  }
  if (!import.meta.dev && !config.siteOrigin) {
    console.warn('[wrencos] NUXT_PUBLIC_SITE_URL is not set: absolute URLs (WHIP, WHEP) follow each request\'s Host header. Set it to the site\'s public origin.')
  }
  const receivers = parseWebhookUrls(config.webhooks.urls)
  if (receivers.problems.length) {
    for (const problem of receivers.problems) console.error(`[wrencos] NUXT_WEBHOOK_URLS: ${problem}; refusing to start.`)
    process.exit(1)
  }
  config.webhooks.urls = receivers.urls
  if (config.webhooks.urls.length && !config.webhooks.secret) {
    console.error('[wrencos] NUXT_WEBHOOK_URLS is set without NUXT_WEBHOOK_SECRET: refusing to send unsigned webhooks.')
    process.exit(1)
  }
  // crossws hands these to the `ws` server: a larger frame closes the socket with 1009.
  const h3Options = nitroApp.h3App.options as { websocket?: Record<string, unknown> }
  h3Options.websocket = { ...h3Options.websocket, serverOptions: { maxPayload: MAX_FRAME_BYTES } }

  const mail = mailConfigOf(config)
  const starting = startApp({ ...config, mail })
  starting.then(app => provideApp({ app }), (error) => {
    console.error('[wrencos] could not start', error)
    provideApp({ error })
  })

  // Before Nitro's own SIGTERM handler (registered after plugins) drops every open connection,
  // tell each socket we are going away (1001), so clients reconnect to another process at once.
  process.once('SIGTERM', () => {
    starting.then((app) => {
      // Not ready first (a load balancer stops sending new viewers), then the sockets go.
      app.drain()
      app.hub.closeAll(1001, 'server shutting down')
    }, () => {})
  })

  nitroApp.hooks.hook('close', async () => {
    const app = await starting.catch(() => undefined)
    await app?.close()
  })
})
