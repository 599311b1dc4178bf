import { STATUS_CODES } from 'node:http'
import { createError, defineEventHandler, isError, setResponseHeader, type H3Error, type H3Event } from 'h3'
import { StoreError } from '../db/types'
import { DomainError, type DomainErrorCode } from '../domain/errors'
import { logRefusal, logServerError } from './server-error-log'

/** The HTTP status of each of the core's refusals: the socket's twin is server/realtime/refusals.ts. */
const DOMAIN_STATUS: Record<DomainErrorCode, number> = {
  invalid: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, too_large: 413, unsupported: 415, rate_limited: 429, unavailable: 503,
}
const STORE_STATUS = { duplicate: 409, not_found: 404, invalid: 400 } as const

/**
 * The one place that turns a failure into an HTTP answer: h3 errors pass through; the core's
 * refusals, store, parser and driver errors caused by what a client sent become their 4xx;
 * anything else stays a 500.
 */
export function toHttpError(error: unknown): H3Error | unknown {
  if (isError(error)) {
    // The body's statusMessage names the status ("Not Found"), as PROTOCOL.md's error shape expects.
    if (!error.statusMessage) error.statusMessage = STATUS_CODES[error.statusCode] ?? 'Error'
    return error
  }
  const mapped = mapKnownError(error)
  return mapped ? toHttpError(mapped) : error
}

function mapKnownError(error: unknown): H3Error | undefined {
  if (error instanceof DomainError) {
    return createError({ statusCode: DOMAIN_STATUS[error.code], message: error.message, ...(error.data ? { data: error.data } : {}) })
  }
  if (error instanceof StoreError) return createError({ statusCode: STORE_STATUS[error.code], message: error.message })
  const name = (error as { name?: string })?.name
  if (name === 'CastError') return createError({ statusCode: 404, message: 'not found' })
  if (name === 'ValidationError') return createError({ statusCode: 400, message: (error as Error).message })
  if (name === 'ZodError') {
    return createError({ statusCode: 400, message: 'invalid input', data: { issues: (error as { issues: unknown }).issues } })
  }
  if (error instanceof SyntaxError) return createError({ statusCode: 400, message: 'invalid JSON body' })
  return undefined
}

/** `Retry-After` for a refusal that says when to come back (429, 503). */
function retryAfterOf(error: unknown): number | undefined {
  const seconds = (error as { data?: { retryAfterSeconds?: unknown } })?.data?.retryAfterSeconds
  return typeof seconds === 'number' ? seconds : undefined
}

/**
 * Maps `error` for `event`'s answer, with its `Retry-After` header: the HTTP edge of the core. A
 * failure that is not the client's becomes a plain 500 (nothing of its insides in the answer),
 * and every 5xx is logged once per cause per minute (server-error-log.ts).
 */
export function answerError(event: H3Event, error: unknown): unknown {
  const retryAfter = retryAfterOf(error)
  if (retryAfter !== undefined) setResponseHeader(event, 'Retry-After', retryAfter)
  const answer = toHttpError(error)
  const status = isError(answer) ? answer.statusCode : 500
  if (status < 500) return answer
  const where = `${event.method} ${event.path.split('?')[0]}`
  if (error instanceof DomainError) logRefusal(where, error, event)
  else logServerError(where, isError(answer) && answer.cause instanceof Error ? answer.cause : error, event)
  return isError(answer) ? answer : createError({ statusCode: 500, statusMessage: 'Internal Server Error', message: 'something went wrong on our side; it has been logged' })
}

/** `defineEventHandler` whose failures go through `toHttpError`: every API handler uses it. */
export function defineApiHandler<T>(handler: (event: H3Event) => T | Promise<T>) {
  return defineEventHandler(async (event) => {
    try {
      return await handler(event)
    }
    catch (error) {
      throw answerError(event, error)
    }
  })
}
