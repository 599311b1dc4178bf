import { randomBytes } from 'node:crypto'
import { deleteCookie, getCookie, getHeader, setCookie, type H3Event } from 'h3'
import type { User } from '#shared/types/models'
import { isStaff } from '#shared/utils/roles'
import type { UserRecord } from '../db'
import { DomainError } from '../domain/errors'
import type { Actor } from '../domain/limits'
import type { AuthUser } from './jwt'
import { clientAddress, requestProtocol } from './client-address'

export const AUTH_COOKIE = 'wrencos_token'
/**
 * One id per browser, set by the server and kept for a year: limits and bans count the browser as
 * well as the account, so a new guest account from the same browser is still the same device.
 */
export const DEVICE_COOKIE = 'wrencos_device'
const DEVICE_ID = /^[\w-]{16,64}$/

/** The token of a request: `Authorization: Bearer`, else the auth cookie. */
export function requestToken(event: H3Event): string | undefined {
  const header = getHeader(event, 'authorization')
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1]
  return bearer ?? getCookie(event, AUTH_COOKIE) ?? undefined
}

/** The signed-in user, or null (no token, or one that does not verify). Cached per request. */
export async function getAuthUser(event: H3Event): Promise<AuthUser | null> {
  if (event.context.auth !== undefined) return event.context.auth as AuthUser | null
  const token = requestToken(event)
  const user = token ? await (await useCore()).sessions.verify(token) : null
  event.context.auth = user
  return user
}

/** 401 unless signed in. */
export async function requireUser(event: H3Event): Promise<AuthUser> {
  const user = await getAuthUser(event)
  if (!user) throw new DomainError('unauthorized', requestToken(event) ? 'invalid or expired token' : 'sign in first')
  return user
}

/** 401 unless signed in, 403 unless an admin. Every admin route calls this; page guards are only a convenience. */
export async function requireAdmin(event: H3Event): Promise<AuthUser> {
  const user = await requireUser(event)
  if (user.role !== 'admin') throw new DomainError('forbidden', 'admins only')
  return user
}

/** 401 unless signed in, 403 unless an admin or a moderator (the moderation view and its record). */
export async function requireStaff(event: H3Event): Promise<AuthUser> {
  const user = await requireUser(event)
  if (!isStaff(user.role)) throw new DomainError('forbidden', 'admins and moderators only')
  return user
}

/** Who takes part in a show (a like, an order), for its bans and timeouts: the account, its browser and address. */
export function participantOf(event: H3Event, user: AuthUser) {
  return { user, deviceId: deviceIdOf(event), address: clientAddress(event) }
}

/** The public view of a user: never the password hash. */
export function publicUser(user: UserRecord): User {
  return { id: user.id, ...(user.email ? { email: user.email } : {}), role: user.role, displayName: user.displayName }
}

const cookieOptions = (event: H3Event, maxAge: number) =>
  ({ httpOnly: true, sameSite: 'lax', secure: requestProtocol(event) === 'https', path: '/', maxAge }) as const

/** The browser's device id, if it sent a well-formed one. */
export function deviceIdOf(event: H3Event): string | undefined {
  const id = getCookie(event, DEVICE_COOKIE)
  return id && DEVICE_ID.test(id) ? id : undefined
}

/** The browser's device id, given one now if it had none. */
export function ensureDeviceId(event: H3Event): string {
  const known = deviceIdOf(event)
  if (known) return known
  const id = randomBytes(18).toString('base64url')
  setCookie(event, DEVICE_COOKIE, id, cookieOptions(event, 365 * 24 * 3600))
  return id
}

/** Who asks, for the limits: account, browser and address. */
export function actorOf(event: H3Event, user?: AuthUser | null): Actor {
  return { userId: user?.id, deviceId: deviceIdOf(event), address: clientAddress(event) }
}

/** Starts a session for `user`, sets its token as the httpOnly cookie, and answers `{ token, user }`. */
export async function startSession(event: H3Event, user: UserRecord) {
  const { token, ttlSeconds } = await (await useCore()).sessions.start(user)
  setCookie(event, AUTH_COOKIE, token, cookieOptions(event, ttlSeconds))
  ensureDeviceId(event)
  return { token, user: publicUser(user) }
}

/** Ends this request's session (or, with `everywhere`, every session of its user) and clears the cookie. */
export async function endSession(event: H3Event, options: { everywhere?: boolean } = {}): Promise<void> {
  const user = await getAuthUser(event)
  const { sessions } = await useCore()
  if (user?.sessionId) await (options.everywhere ? sessions.endAll(user.id) : sessions.end(user.sessionId))
  deleteCookie(event, AUTH_COOKIE, { path: '/' })
}
