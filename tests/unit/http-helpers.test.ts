import { createError } from 'h3'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { StoreError } from '../../server/db/types'
import { DomainError } from '../../server/domain/errors'
import { toHttpError } from '../../server/utils/errors'
import { sniffBytes } from '../../server/utils/files'
import { createRateLimiter } from '../../server/utils/rate-limit'
import { parseRange } from '../../server/utils/range'
import { zodCheck } from '../../server/utils/validate'

describe('toHttpError, the one error mapper', () => {
  it('keeps h3 errors and names their status', () => {
    const error = toHttpError(createError({ statusCode: 409, message: 'busy' })) as { statusCode: number, statusMessage: string, message: string }
    expect(error).toMatchObject({ statusCode: 409, statusMessage: 'Conflict', message: 'busy' })
  })

  it.each([
    [new DomainError('invalid', 'bad'), 400, 'Bad Request'],
    [new DomainError('unauthorized', 'who?'), 401, 'Unauthorized'],
    [new DomainError('forbidden', 'no'), 403, 'Forbidden'],
    [new DomainError('not_found', 'gone'), 404, 'Not Found'],
    [new DomainError('conflict', 'ended'), 409, 'Conflict'],
    [new DomainError('too_large', 'big'), 413, 'Payload Too Large'],
    [new DomainError('unsupported', 'not webm'), 415, 'Unsupported Media Type'],
    [new DomainError('rate_limited', 'slow'), 429, 'Too Many Requests'],
    [new DomainError('unavailable', 'full'), 503, 'Service Unavailable'],
    [new StoreError('duplicate', 'email taken'), 409, 'Conflict'],
    [new StoreError('not_found', 'gone'), 404, 'Not Found'],
    [new StoreError('invalid', 'bad'), 400, 'Bad Request'],
    [Object.assign(new Error('Cast to ObjectId failed'), { name: 'CastError' }), 404, 'Not Found'],
    [Object.assign(new Error('stock: must be >= 0'), { name: 'ValidationError' }), 400, 'Bad Request'],
    [new SyntaxError('Unexpected token'), 400, 'Bad Request'],
  ])('maps %s to %i', (input, statusCode, statusMessage) => {
    expect(toHttpError(input)).toMatchObject({ statusCode, statusMessage })
  })

  it('keeps the data a client can act on', () => {
    expect(toHttpError(new DomainError('conflict', 'not enough stock', { shortages: [{ productId: 'p' }] })))
      .toMatchObject({ statusCode: 409, message: 'not enough stock', data: { shortages: [{ productId: 'p' }] } })
  })

  it('maps a zod error to 400 with its issues', () => {
    const result = z.object({ a: z.string() }).safeParse({ a: 1 })
    const error = toHttpError(result.error) as { statusCode: number, data: { issues: unknown[] } }
    expect(error.statusCode).toBe(400)
    expect(error.data.issues).toHaveLength(1)
  })

  it('leaves unknown failures alone, to be a logged 500', () => {
    const bug = new TypeError('undefined is not a function')
    expect(toHttpError(bug)).toBe(bug)
  })
})

describe('zodCheck', () => {
  it('answers the parsed value, or throws a message naming each field with the issues', () => {
    const check = zodCheck(z.object({ title: z.string().trim().min(1), count: z.number() }))
    expect(check({ title: ' x ', count: 1 })).toEqual({ title: 'x', count: 1 })
    try {
      check({ title: '', count: 'many' })
      expect.unreachable()
    }
    catch (error) {
      const { message, issues } = error as { message: string, issues: unknown[] }
      expect(message).toMatch(/^title: .*; count: /)
      expect(issues).toHaveLength(2)
    }
  })
})

describe('createRateLimiter', () => {
  it('allows a burst, then refills at the given rate', () => {
    let now = 0
    const limiter = createRateLimiter({ burst: 3, perSecond: 1, now: () => now })
    expect([1, 2, 3, 4].map(() => limiter.take('u').ok)).toEqual([true, true, true, false])
    expect(limiter.take('u')).toEqual({ ok: false, retryAfterSeconds: 1 })
    expect(limiter.take('other').ok).toBe(true)
    now = 1000
    expect(limiter.take('u').ok).toBe(true)
    expect(limiter.take('u').ok).toBe(false)
    now = 60_000
    expect([1, 2, 3, 4].map(() => limiter.take('u').ok)).toEqual([true, true, true, false])
  })

  it('says how long to wait at a slow rate', () => {
    const limiter = createRateLimiter({ burst: 1, perSecond: 1 / 10, now: () => 0 })
    limiter.take('k')
    expect(limiter.take('k')).toEqual({ ok: false, retryAfterSeconds: 10 })
  })
})

describe('parseRange', () => {
  it.each([
    ['bytes=0-99', 1000, { start: 0, end: 99 }],
    ['bytes=900-', 1000, { start: 900, end: 999 }],
    ['bytes=-100', 1000, { start: 900, end: 999 }],
    ['bytes=990-5000', 1000, { start: 990, end: 999 }],
    ['bytes=-5000', 1000, { start: 0, end: 999 }],
    ['bytes=1000-', 1000, null],
    ['bytes=50-10', 1000, null],
    ['bytes=-', 1000, null],
    ['items=0-1', 1000, null],
    ['bytes=0-1,5-6', 1000, null],
  ])('%s of %i bytes -> %j', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected)
  })
})

describe('sniffBytes', () => {
  it.each([
    [[0x1A, 0x45, 0xDF, 0xA3, 0x01], 'video/webm'],
    [[0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6F, 0x6D], 'video/mp4'],
    [[0xFF, 0xD8, 0xFF, 0xE0], 'image/jpeg'],
    [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], 'image/png'],
    [[...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBP')], 'image/webp'],
    [[...Buffer.from('<svg onload=alert(1)>')], null],
    [[], null],
  ])('%j -> %s', (bytes, type) => {
    expect(sniffBytes(Buffer.from(bytes))).toBe(type)
  })
})
