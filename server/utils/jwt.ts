import { randomBytes } from 'node:crypto'
import { SignJWT, jwtVerify } from 'jose'
import { z } from 'zod'
import type { Role } from '#shared/types/models'

export const TOKEN_TTL_SECONDS = 7 * 24 * 3600

export interface AuthUser {
  id: string
  role: Role
  displayName: string
}

const Claims = z.object({
  sub: z.string().min(1).max(64),
  role: z.enum(['admin', 'customer']),
  name: z.string().min(1).max(80),
  exp: z.number(),
})

let devSecret: Uint8Array | undefined

/** The HS256 key: NUXT_JWT_SECRET, or (in dev only) a random one for this run. */
export function jwtKey(secret = serverConfig().jwtSecret): Uint8Array {
  if (secret) return new TextEncoder().encode(secret)
  if (!import.meta.dev) throw new Error('NUXT_JWT_SECRET must be set in production')
  devSecret ??= randomBytes(32)
  return devSecret
}

export function signToken(user: AuthUser, key = jwtKey()): Promise<string> {
  return new SignJWT({ role: user.role, name: user.displayName })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
    .sign(key)
}

/** The user a token speaks for, or null for anything else: alg none, bad signature, expired, unknown role. */
export async function verifyToken(token: string, key = jwtKey()): Promise<AuthUser | null> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] })
    const claims = Claims.safeParse(payload)
    if (!claims.success) return null
    return { id: claims.data.sub, role: claims.data.role, displayName: claims.data.name }
  }
  catch {
    return null
  }
}
