import { getHeader, type H3Event } from 'h3'
import { DomainError } from '../domain/errors'

/** An SDP (or an SDP fragment) is a few kilobytes; this is room for any real one. */
const MAX_SDP_BYTES = 64 * 1024

/**
 * The raw body of a WHIP/WHEP request, of media type `type` (415 otherwise), at most 64 KiB (413,
 * however it is sent). Callers look at the credentials and the show first: a body is read only
 * for a request that could be served.
 */
export async function readSdpBody(event: H3Event, type: 'application/sdp' | 'application/trickle-ice-sdpfrag'): Promise<string> {
  const given = (getHeader(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (given !== type) throw new DomainError('unsupported', `send ${type}`)
  return (await readCappedBody(event, MAX_SDP_BYTES, 'an SDP body')).toString('utf8')
}
