import { describe, expect, it } from 'vitest'
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../../server/utils/password'
import { signToken, verifyClaims } from '../../server/utils/jwt'
import { decodeCursor, encodeCursor } from '../../server/domain/cursor'
import { toHttpError } from '../../server/utils/errors'

describe('passwords', () => {
  it('hashes with a fresh salt and verifies only the right password', async () => {
    const one = await hashPassword('correct horse')
    const two = await hashPassword('correct horse')
    expect(one).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(one).not.toBe(two)
    expect(await verifyPassword('correct horse', one)).toBe(true)
    expect(await verifyPassword('correct horsE', one)).toBe(false)
    expect(await verifyPassword('anything', DUMMY_PASSWORD_HASH)).toBe(false)
    expect(await verifyPassword('anything', undefined)).toBe(false)
    expect(await verifyPassword('anything', 'md5$abc')).toBe(false)
  })
})

describe('tokens', () => {
  const key = new TextEncoder().encode('unit-test-secret')

  const session = { id: 's'.repeat(24), ttlSeconds: 3600 }

  it('round-trips the user and the session', async () => {
    const token = await signToken({ id: 'u1', role: 'customer', displayName: 'Zoe' }, session, key)
    expect(await verifyClaims(token, key)).toMatchObject({ sub: 'u1', role: 'customer', name: 'Zoe', sid: session.id })
  })

  it('refuses a token signed with another key or tampered with', async () => {
    const token = await signToken({ id: 'u1', role: 'customer', displayName: 'Zoe' }, session, key)
    expect(await verifyClaims(token, new TextEncoder().encode('other'))).toBeNull()
    const [header, payload, signature] = token.split('.')
    const promoted = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' })).toString('base64url')
    expect(await verifyClaims(`${header}.${promoted}.${signature}`, key)).toBeNull()
  })
})

describe('list cursors', () => {
  it('round-trips and refuses anything else with 400', () => {
    const cursor = encodeCursor({ createdAt: '2030-01-01T00:00:00.000Z', id: '0123456789abcdef01234567' })
    expect(decodeCursor(cursor)).toEqual({ createdAt: '2030-01-01T00:00:00.000Z', id: '0123456789abcdef01234567' })
    for (const bad of ['', 'garbage', Buffer.from('["x","y"]').toString('base64url'), Buffer.from('{"$gt":1}').toString('base64url')]) {
      let refusal: unknown
      try {
        decodeCursor(bad)
      }
      catch (error) {
        refusal = error
      }
      // The core says `invalid`; the HTTP edge answers it with 400.
      expect(toHttpError(refusal)).toMatchObject({ statusCode: 400 })
    }
  })
})
