import type { H3Event } from 'h3'

/**
 * Who is asking, for per-address rate limits. X-Forwarded-For is believed only when the server is
 * told it runs behind a proxy (NUXT_TRUST_PROXY): a client can write that header itself.
 */
export function clientAddress(event: H3Event): string {
  return getRequestIP(event, { xForwardedFor: serverConfig().trustProxy }) ?? 'unknown'
}

/** http or https as the browser sees it: X-Forwarded-Proto counts only behind a trusted proxy. */
export function requestProtocol(event: H3Event): string {
  return getRequestProtocol(event, { xForwardedProto: serverConfig().trustProxy })
}
