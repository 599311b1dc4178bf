import { createError, deleteCookie, getCookie, getHeader, setCookie, type H3Event } from 'h3'
import type { User } from '#shared/types/models'
import type { UserRecord } from '../db'
import { TOKEN_TTL_SECONDS, signToken, verifyToken, type AuthUser } from './jwt'
import { requestProtocol } from './client-address'

export const AUTH_COOKIE = 'wrencos_token'

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
  const user = token ? await verifyToken(token) : null
  event.context.auth = user
  return user
}

/** 401 unless signed in. */
export async function requireUser(event: H3Event): Promise<AuthUser> {
  const user = await getAuthUser(event)
  if (!user) {
    throw createError({ statusCode: 401, message: requestToken(event) ? 'invalid or expired token' : 'sign in first' })
  }
  return user
}

/** 401 unless signed in, 403 unless an admin. Every admin route calls this; page guards are only a convenience. */
export async function requireAdmin(event: H3Event): Promise<AuthUser> {
  const user = await requireUser(event)
  if (user.role !== 'admin') throw createError({ statusCode: 403, message: 'admins only' })
  return user
}

/** The public view of a user: never the password hash. */
export function publicUser(user: UserRecord): User {
  return { id: user.id, ...(user.email ? { email: user.email } : {}), role: user.role, displayName: user.displayName }
}

/** Signs a token for `user`, sets it as the httpOnly cookie, and answers `{ token, user }`. */
export async function startSession(event: H3Event, user: UserRecord) {
  const token = await signToken({ id: user.id, role: user.role, displayName: user.displayName })
  setCookie(event, AUTH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: requestProtocol(event) === 'https',
    path: '/',
    maxAge: TOKEN_TTL_SECONDS,
  })
  return { token, user: publicUser(user) }
}

export function endSession(event: H3Event): void {
  deleteCookie(event, AUTH_COOKIE, { path: '/' })
}
