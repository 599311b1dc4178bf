// CORS for the API: only origins listed in NUXT_CORS_ORIGINS may call it from a browser page of
// their own (with credentials). With none listed the API is same-origin only.
export default defineEventHandler((event) => {
  if (!event.path.startsWith('/api/')) return
  const origins = serverConfig().corsOrigins
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
