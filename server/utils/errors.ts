import { STATUS_CODES } from 'node:http'
import { createError, defineEventHandler, isError, type H3Error, type H3Event } from 'h3'
import { StoreError } from '../db/types'

const STORE_STATUS = { duplicate: 409, not_found: 404, invalid: 400 } as const

/**
 * The one place that turns a failure into an HTTP answer: h3 errors pass through; store, parser
 * and driver errors caused by what a client sent become their 4xx; anything else stays a 500.
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

/** `defineEventHandler` whose failures go through `toHttpError`: every API handler uses it. */
export function defineApiHandler<T>(handler: (event: H3Event) => T | Promise<T>) {
  return defineEventHandler(async (event) => {
    try {
      return await handler(event)
    }
    catch (error) {
      throw toHttpError(error)
    }
  })
}
