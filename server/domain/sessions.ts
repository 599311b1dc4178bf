import type { Role } from '#shared/types/models'
import { newId } from '../db/ids'
import type { Store, UserRecord } from '../db'
import type { Clock } from '../utils/clock'
import { jwtKey, signSocketTicket, signToken, verifyClaims, type AuthUser, type TokenClaims } from '../utils/jwt'

/** How long a sign-in lasts: an admin's and a moderator's a working day, a customer's a week. Tokens claiming longer are refused. */
export const SESSION_LIFETIME_S: Record<Role, number> = { admin: 24 * 3600, moderator: 24 * 3600, customer: 7 * 24 * 3600 }

/**
 * How long a checked token is believed without asking the store again. A customer sends the same
 * token with every like (checking it each time was a tenth of the server's time in the like storm);
 * a session ended in this process is forgotten at once, one ended in another within this time.
 */
const CHECKED_FOR_MS = 10_000
const MAX_CHECKED = 20_000
/** A socket ticket is made right before the socket opens: it need not last longer. */
export const SOCKET_TICKET_S = 30

export interface Sessions {
  /** Signs `user` in: a new session and its token. */
  start(user: UserRecord): Promise<{ token: string, ttlSeconds: number }>
  /** The user a token speaks for now (role and name from their record), or null. */
  verify(token: string): Promise<AuthUser | null>
  end(sessionId: string): Promise<void>
  /** Ends every session of a user ("sign out everywhere"); answers how many. */
  endAll(userId: string): Promise<number>
  /** A one-use ticket for the socket's upgrade, for the session `user` speaks from (see signSocketTicket). */
  socketTicket(user: AuthUser): Promise<string>
  /** The user a socket ticket speaks for, once: a ticket seen before (in this process) is null. */
  redeemTicket(ticket: string): Promise<AuthUser | null>
}

export function createSessions(store: Store, clock: Clock, key: () => ReturnType<typeof jwtKey> = () => jwtKey()): Sessions {
  const checked = new Map<string, { user: AuthUser, until: number }>()
  /** Tickets taken, until they would have expired anyway. */
  const spent = new Map<string, number>()

  function remember(token: string, user: AuthUser, until: number) {
    if (checked.size >= MAX_CHECKED) checked.delete(checked.keys().next().value!)
    checked.set(token, { user, until })
  }

  function forget(match: (user: AuthUser) => boolean) {
    for (const [token, entry] of checked) if (match(entry.user)) checked.delete(token)
  }

  /** The user a token's claims speak for, if its session is still open and the account still exists. */
  async function sessionUser(claims: TokenClaims, now: number) {
    const [session, record] = await Promise.all([store.getSession(claims.sid), store.getUser(claims.sub)])
    if (!session || session.userId !== claims.sub || session.revokedAt || Date.parse(session.expiresAt) <= now) return null
    // A token that claims to last longer than the account's sessions do was not made here.
    if (!record || claims.exp - claims.iat > SESSION_LIFETIME_S[record.role] + 60) return null
    const user: AuthUser = { id: record.id, role: record.role, displayName: record.displayName, sessionId: session.id }
    return { user, expiresAt: Date.parse(session.expiresAt) }
  }

  return {
    async start(user) {
      const ttlSeconds = SESSION_LIFETIME_S[user.role]
      const now = clock.now()
      const session = { id: newId(now), userId: user.id, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + ttlSeconds * 1000).toISOString() }
      await store.createSession(session)
      return { token: await signToken(user, { id: session.id, ttlSeconds }, key()), ttlSeconds }
    },

    async verify(token) {
      const now = clock.now()
      const cached = checked.get(token)
      if (cached && cached.until > now) return cached.user
      const claims = await verifyClaims(token, key())
      const found = claims && await sessionUser(claims, now)
      if (!found) return null
      remember(token, found.user, Math.min(now + CHECKED_FOR_MS, claims.exp * 1000, found.expiresAt))
      return found.user
    },

    socketTicket(user) {
      if (!user.sessionId) throw new Error('a socket ticket needs a signed-in session')
      return signSocketTicket(user, { id: user.sessionId, ttlSeconds: SOCKET_TICKET_S }, key())
    },

    async redeemTicket(ticket) {
      const now = clock.now()
      const claims = await verifyClaims(ticket, key(), { ticket: true })
      if (!claims?.jti || spent.has(claims.jti)) return null
      for (const [id, until] of spent) if (until <= now) spent.delete(id)
      spent.set(claims.jti, claims.exp * 1000)
      return (await sessionUser(claims, now))?.user ?? null
    },

    async end(sessionId) {
      await store.revokeSessions({ id: sessionId }, new Date(clock.now()).toISOString())
      forget(user => user.sessionId === sessionId)
    },

    async endAll(userId) {
      const ended = await store.revokeSessions({ userId }, new Date(clock.now()).toISOString())
      forget(user => user.id === userId)
      return ended
    },
  }
}
