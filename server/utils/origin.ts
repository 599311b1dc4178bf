/**
 * Whether a browser's `Origin` may act on this server: this site's own pages (the host the browser
 * asked for), and the origins listed in NUXT_CORS_ORIGINS. No Origin at all is not a browser page
 * acting cross-site (curl, an encoder, a server), so it passes here.
 */
export function originAllowed(origin: string | null | undefined, host: string | null | undefined, listed: string[]): boolean {
  if (!origin) return true
  if (listed.includes(origin)) return true
  try {
    return !!host && new URL(origin).host === host
  }
  catch {
    return false
  }
}

/** The host a browser asked for: X-Forwarded-Host only behind a trusted proxy. */
export function requestedHost(headers: { get(name: string): string | null }): string | null {
  const forwarded = serverConfig().proxyHops > 0 ? headers.get('x-forwarded-host')?.split(',')[0]?.trim() : null
  return forwarded || headers.get('host')
}

/** window.wrencos.purchase(...) posts here from the brand's pages (NUXT_EMBED_ORIGINS), without credentials. */
export const ATTRIBUTIONS_PATH = /^\/api\/livestreams\/[^/]+\/attributions$/
