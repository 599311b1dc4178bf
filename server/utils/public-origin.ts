import { getRequestURL, type H3Event } from 'h3'

/**
 * The origin every absolute URL the server hands out starts with (WHIP and WHEP URLs, share
 * links): NUXT_PUBLIC_SITE_URL when set, so no request's Host header can choose it. Without it
 * (dev, or a deployment that has not set it: the server warns at start) the address the client
 * used, with a trusted proxy's forwarded host and protocol.
 */
export function publicBase(event: H3Event): string {
  const config = serverConfig()
  if (config.siteOrigin) return config.siteOrigin
  const trusted = config.proxyHops > 0
  return getRequestURL(event, { xForwardedHost: trusted, xForwardedProto: trusted }).origin
}
