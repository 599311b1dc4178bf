import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import type { Store, UserRecord } from '../../server/db'
import { openSqliteStore } from '../../server/db/sqlite/store'
import { SESSION_LIFETIME_S, createSessions } from '../../server/domain/sessions'
import { jwtKey } from '../../server/utils/jwt'
import { manualClock, type ManualClock } from '../support/manual-clock'

// jwtKey() reads the secret from the runtime config; the unit tests give it one directly.
process.env.NUXT_JWT_SECRET = 'unit-secret'
const key = () => jwtKey('unit-secret')

describe('sessions', () => {
  let store: Store
  let clock: ManualClock
  let customer: UserRecord
  beforeEach(async () => {
    store = openSqliteStore(':memory:')
    clock = manualClock(Date.now())
    customer = await store.createUser({ role: 'customer', displayName: 'Zoe' })
  })
  afterEach(() => store.close())

  const sessionsOf = () => createSessions(store, clock, key)

  it('signs in, and the token speaks for the user with the role and name of their record', async () => {
    const sessions = sessionsOf()
    const { token, ttlSeconds } = await sessions.start(customer)
    expect(ttlSeconds).toBe(SESSION_LIFETIME_S.customer)
    expect(await sessions.verify(token)).toMatchObject({ id: customer.id, role: 'customer', displayName: 'Zoe' })
  })

  it('ends a session at logout at once, and all of a user\'s on "everywhere"', async () => {
    const sessions = sessionsOf()
    const one = await sessions.start(customer)
    const two = await sessions.start(customer)
    expect(await sessions.verify(one.token)).not.toBeNull()
    await sessions.end((await sessions.verify(one.token))!.sessionId!)
    expect(await sessions.verify(one.token)).toBeNull()
    expect(await sessions.verify(two.token)).not.toBeNull()
    expect(await sessions.endAll(customer.id)).toBe(1)
    expect(await sessions.verify(two.token)).toBeNull()
  })

  it('sees a session another process ended once its short cache runs out', async () => {
    const here = sessionsOf()
    const elsewhere = createSessions(store, clock, key)
    const { token } = await here.start(customer)
    const user = await here.verify(token)
    await elsewhere.end(user!.sessionId!)
    expect(await here.verify(token)).not.toBeNull()
    clock.advance(10_001)
    expect(await here.verify(token)).toBeNull()
  })

  it('refuses a token whose user is gone, one signed without a session, and one that claims too long a life', async () => {
    const sessions = sessionsOf()
    const forged = await new SignJWT({ role: 'admin', name: 'Mallory', sid: 'nope' }).setProtectedHeader({ alg: 'HS256' })
      .setSubject('ffffffffffffffffffffffff').setIssuedAt().setExpirationTime('1h').sign(key())
    expect(await sessions.verify(forged)).toBeNull()
    const { token } = await sessions.start(customer)
    const { payload } = { payload: JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) }
    const tenYears = await new SignJWT({ ...payload }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(payload.iat).setExpirationTime(payload.iat + 10 * 365 * 86400).sign(key())
    expect(await sessions.verify(tenYears)).toBeNull()
  })

  it('lets a session lapse at its end even while its token is cached', async () => {
    const sessions = sessionsOf()
    const { token } = await sessions.start(customer)
    expect(await sessions.verify(token)).not.toBeNull()
    clock.advance(SESSION_LIFETIME_S.customer * 1000 + 1)
    expect(await sessions.verify(token)).toBeNull()
  })
})
