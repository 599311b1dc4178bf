import { ATTRIBUTIONS_PATH } from '../utils/origin'

// CORS for the API: only origins listed in NUXT_CORS_ORIGINS may call it from a browser page of
// their own (with credentials). With none listed the API is same-origin only. The one exception:
// the pages that may frame the player may report a purchase (no cookie goes with it).
export default defineEventHandler((event) => {
  if (!event.path.startsWith('/api/')) return
  const config = serverConfig()
  if (ATTRIBUTIONS_PATH.test(event.path.split('?')[0]!) && config.embedOrigins.includes(getHeader(event, 'origin') ?? '')) {
    const handled = handleCors(event, { origin: config.embedOrigins, methods: ['POST'], allowHeaders: ['Content-Type'], credentials: false, maxAge: '600' })
    return handled ? null : undefined
  }
  const origins = config.corsOrigins
  if (!origins.length) return
  const handled = handleCors(event, {
    origin: origins,
    methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type'],
    credentials: true,
    // A WHIP/WHEP client on another origin (the embedded player) needs the session's Location and a full show's Retry-After.
    exposeHeaders: ['Location', 'Retry-After'],
    maxAge: '600',
  })
  if (handled) return null
})
