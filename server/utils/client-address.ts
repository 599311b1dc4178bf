import type { H3Event } from 'h3'

/**
 * The address a request came from, for per-address limits. With `hops` trusted proxies in front,
 * each appending the address it saw to X-Forwarded-For, the client is the entry `hops` from the
 * right: whatever stands left of it the client wrote itself. With none, only the socket counts.
 */
export function resolveAddress(socketAddress: string | undefined, forwardedFor: string | null | undefined, hops: number): string {
  const direct = normalize(socketAddress)
  if (!hops || !forwardedFor) return direct
  const entries = forwardedFor.split(',').map(entry => entry.trim()).filter(Boolean)
  // Fewer entries than proxies: a proxy was skipped (or the header forged); the socket is all we know.
  return entries.length >= hops ? normalize(entries[entries.length - hops]) : direct
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are one address. */
function normalize(address: string | undefined): string {
  if (!address) return 'unknown'
  return address.startsWith('::ffff:') ? address.slice(7) : address
}

export function clientAddress(event: H3Event): string {
  return resolveAddress(event.node.req.socket?.remoteAddress, event.node.req.headers['x-forwarded-for'] as string | undefined, serverConfig().proxyHops)
}

/** http or https as the browser sees it: X-Forwarded-Proto counts only behind a trusted proxy. */
export function requestProtocol(event: H3Event): string {
  return getRequestProtocol(event, { xForwardedProto: serverConfig().proxyHops > 0 })
}
