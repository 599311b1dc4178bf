// Headers every answer carries. No script-src policy: Nuxt's hydration needs inline scripts; the
// rest of a CSP (framing, plugins, base) still applies.
export default defineEventHandler((event) => {
  setResponseHeaders(event, {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Content-Security-Policy': 'frame-ancestors \'none\'; object-src \'none\'; base-uri \'self\'',
    // The studio needs the camera and microphone of this origin; nothing else does.
    'Permissions-Policy': 'camera=(self), microphone=(self), geolocation=(), payment=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
  })
  if (requestProtocol(event) === 'https') {
    setResponseHeader(event, 'Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
  }
})
