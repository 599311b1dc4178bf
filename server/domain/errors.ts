// The one failure the core throws. It names what went wrong in the core's own words; the two edges
// translate it once each: HTTP in server/utils/errors.ts, the socket in server/realtime/refusals.ts.

export type DomainErrorCode
  = | 'invalid' // the input breaks a rule (400 / BAD_MESSAGE)
    | 'unauthorized' // no or wrong credentials (401 / UNAUTHORIZED)
    | 'forbidden' // a role or a room that may not do this (403 / FORBIDDEN)
    | 'not_found' // no such thing (404 / NOT_FOUND)
    | 'conflict' // the state forbids it: an ended show, short stock (409 / CONFLICT)
    | 'too_large' // a body or file over its limit (413)
    | 'unsupported' // bytes that are not the media type they must be (415)
    | 'rate_limited' // too fast; `data.retryAfterSeconds` says how long to wait (429 / RATE_LIMITED)
    | 'unavailable' // full or not ready now; `data.retryAfterSeconds` says when to try again (503)

export class DomainError extends Error {
  constructor(readonly code: DomainErrorCode, message: string, readonly data?: Record<string, unknown>) {
    super(message)
    this.name = 'DomainError'
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError

/** 404 in the core's words. */
export const notFound = (what: string) => new DomainError('not_found', `no such ${what}`)
