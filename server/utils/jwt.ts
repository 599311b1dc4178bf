import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto'
import { SignJWT, jwtVerify } from 'jose'
import { z } from 'zod'
import { Role as RoleSchema } from '#shared/schemas/common'
import type { Role } from '#shared/types/models'

/** Who a request or a socket speaks for, as the server has checked it. */
export interface AuthUser {
  id: string
  role: Role
  displayName: string
  /** The session the token belongs to (absent for users a test or the server makes up). */
  sessionId?: string
}

const Claims = z.object({
  sub: z.string().min(1).max(64),
  role: RoleSchema,
  name: z.string().min(1).max(80),
  sid: z.string().min(1).max(64),
  iat: z.number(),
  exp: z.number(),
})

export type TokenClaims = z.infer<typeof Claims>

let devSecret: Uint8Array | undefined
const keys = new Map<string, KeyObject>()

/**
 * The HS256 key: NUXT_JWT_SECRET, or (in dev only) a random one for this run. Made into a
 * KeyObject once: handed raw bytes, jose imports the key again on every request, which showed
 * up in the like-storm profile.
 */
export function jwtKey(secret = serverConfig().jwtSecret): KeyObject {
  if (!secret && !import.meta.dev) throw new Error('NUXT_JWT_SECRET must be set in production')
  const bytes = secret ? new TextEncoder().encode(secret) : (devSecret ??= randomBytes(32))
  const id = secret || '\0dev'
  let key = keys.get(id)
  if (!key) {
    key = createSecretKey(bytes)
    keys.set(id, key)
  }
  return key
}

/** A token for one session of `user`, valid for `ttlSeconds` (the claims PROTOCOL.md names, and `sid`). */
export function signToken(user: { id: string, role: Role, displayName: string }, session: { id: string, ttlSeconds: number }, key: KeyObject | Uint8Array = jwtKey()): Promise<string> {
  return new SignJWT({ role: user.role, name: user.displayName, sid: session.id })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(`${session.ttlSeconds}s`)
    .sign(key)
}

/** Who a socket ticket is for: only the socket's upgrade takes it, and only for a moment. */
const SOCKET_AUDIENCE = 'wrencos:socket'

/**
 * A socket ticket: the session's claims for `ttlSeconds`, with an audience no API request accepts
 * and an id that is taken once. Browsers put it in the socket's URL instead of the session's own
 * token, so what proxies write in their access logs is spent by the time anyone reads it.
 */
export function signSocketTicket(user: { id: string, role: Role, displayName: string }, session: { id: string, ttlSeconds: number }, key: KeyObject | Uint8Array = jwtKey()): Promise<string> {
  return new SignJWT({ role: user.role, name: user.displayName, sid: session.id })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setAudience(SOCKET_AUDIENCE)
    .setJti(randomBytes(12).toString('base64url'))
    .setIssuedAt()
    .setExpirationTime(`${session.ttlSeconds}s`)
    .sign(key)
}

/**
 * The claims of a token whose signature and shape hold, or null: alg none, bad signature, expired,
 * unknown role, no session. A socket ticket is not a session token (`ticket` asks for one instead).
 */
export async function verifyClaims(token: string, key: KeyObject | Uint8Array = jwtKey(), options: { ticket?: boolean } = {}): Promise<(TokenClaims & { jti?: string }) | null> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], ...(options.ticket ? { audience: SOCKET_AUDIENCE } : {}) })
    if (!options.ticket && payload.aud !== undefined) return null
    if (options.ticket && typeof payload.jti !== 'string') return null
    const claims = Claims.safeParse(payload)
    if (claims.success && options.ticket) return { ...claims.data, jti: payload.jti }
    return claims.success ? claims.data : null
  }
  catch {
    return null
  }
}
