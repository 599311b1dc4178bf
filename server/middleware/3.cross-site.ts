import { getHeader } from 'h3'
import { DomainError } from '../domain/errors'
import { ATTRIBUTIONS_PATH } from '../utils/origin'

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

// A page on another site must not change anything here with the visitor's cookie. SameSite=Lax
// keeps the cookie off most cross-site requests, but a bodyless POST (/start, /stop, /like,
// /logout, finalize) needs no preflight: so every state-changing API request from a browser page
// of another origin is refused, unless that origin is listed in NUXT_CORS_ORIGINS. Browsers send
// Origin on such requests (and Sec-Fetch-Site); clients that are not browsers send neither.
export default defineEventHandler((event) => {
  if (!event.path.startsWith('/api/') || !STATE_CHANGING.has(event.method)) return
  const config = serverConfig()
  const origin = getHeader(event, 'origin')
  if (origin !== undefined) {
    if (originAllowed(origin, requestedHost(event.headers), config.corsOrigins)) return
    // A purchase reported from a page that may frame the player (2.cors.ts): no cookie is used there.
    if (ATTRIBUTIONS_PATH.test(event.path.split('?')[0]!) && config.embedOrigins.includes(origin)) return
  }
  else if (getHeader(event, 'sec-fetch-site') !== 'cross-site') {
    return
  }
  throw answerError(event, new DomainError('forbidden', 'requests from another site may not change anything here'))
})
