import { showPageOf } from '../utils/show-page'

// Headers every answer carries. No script-src policy: Nuxt's hydration needs inline scripts; the
// rest of a CSP (framing, plugins, base) still applies. Nothing may be framed, but the player at
// /embed/:id by the origins in NUXT_EMBED_ORIGINS (none unless set).
//
// A show's live page goes without Cross-Origin-Opener-Policy. The link a customer taps opens a new
// tab (or leaves another site), whose document has none: a COOP answer makes Chromium move the
// page to a new browsing context group and start another renderer for it, after the answer has
// arrived. Measured (relay, 12 joins a run, ffmpeg as the host): the page's early video script
// started 271-348 ms after navigation with it, 136-171 ms without. The page is public, listens to
// no other window's messages, and what a window that opened it can still do (navigate it, count
// its frames) gives nothing of the visitor's away; every other page (the studio, accounts,
// moderation, sign-in, the embed opened on its own) keeps it.
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
  })
  if (showPageOf(event.path)?.page !== 'live') setResponseHeader(event, 'Cross-Origin-Opener-Policy', 'same-origin')
  if (requestProtocol(event) === 'https') {
    setResponseHeader(event, 'Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
  }
})
