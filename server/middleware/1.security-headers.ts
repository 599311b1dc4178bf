// Headers every answer carries. No script-src policy: Nuxt's hydration needs inline scripts; the
// rest of a CSP (framing, plugins, base) still applies. Nothing may be framed, but the player at
// /embed/:id by the origins in NUXT_EMBED_ORIGINS (none unless set).
export default defineEventHandler((event) => {
  const embed = event.path.startsWith('/embed/')
  // The embed page reads the same list (event.context) to know where it may post its messages.
  if (embed) event.context.embedOrigins = serverConfig().embedOrigins
  const ancestors = embed ? (event.context.embedOrigins as string[]).join(' ') || '\'none\'' : '\'none\''
  if (!embed) setResponseHeader(event, 'X-Frame-Options', 'DENY')
  setResponseHeaders(event, {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Content-Security-Policy': `frame-ancestors ${ancestors}; object-src 'none'; base-uri 'self'`,
    // The studio needs the camera and microphone of this origin; nothing else does.
    'Permissions-Policy': 'camera=(self), microphone=(self), geolocation=(), payment=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
  })
  if (requestProtocol(event) === 'https') {
    setResponseHeader(event, 'Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
  }
})
