import { getHeader, readRawBody, type H3Event } from 'h3'
import { DomainError } from '../domain/errors'

/** An SDP (or an SDP fragment) is a few kilobytes; this is room for any real one. */
const MAX_SDP_BYTES = 64 * 1024

/** The raw body of a WHIP/WHEP request, of media type `type` (415 otherwise), at most 64 KiB (413). */
export async function readSdpBody(event: H3Event, type: 'application/sdp' | 'application/trickle-ice-sdpfrag'): Promise<string> {
  const given = (getHeader(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (given !== type) throw new DomainError('unsupported', `send ${type}`)
  if (Number(getHeader(event, 'content-length') ?? 0) > MAX_SDP_BYTES) throw new DomainError('too_large', `at most ${MAX_SDP_BYTES} bytes`)
  const body = (await readRawBody(event, 'utf8')) ?? ''
  if (body.length > MAX_SDP_BYTES) throw new DomainError('too_large', `at most ${MAX_SDP_BYTES} bytes`)
  return body
}

/** This server's address as the client used it (behind a trusted proxy, the proxy's forwarded host and protocol). */
export function publicBase(event: H3Event): string {
  const trusted = serverConfig().proxyHops > 0
  return getRequestURL(event, { xForwardedHost: trusted, xForwardedProto: trusted }).origin
}
