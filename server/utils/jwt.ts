import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto'
import { SignJWT, jwtVerify } from 'jose'
import { z } from 'zod'
import { Role as RoleSchema } from '#shared/schemas/common'
import type { Role } from '#shared/types/models'

export const TOKEN_TTL_SECONDS = 7 * 24 * 3600

export interface AuthUser {
  id: string
  role: Role
  displayName: string
}

const Claims = z.object({
  sub: z.string().min(1).max(64),
  role: RoleSchema,
  name: z.string().min(1).max(80),
  exp: z.number(),
})

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

export function signToken(user: AuthUser, key: KeyObject | Uint8Array = jwtKey()): Promise<string> {
  return new SignJWT({ role: user.role, name: user.displayName })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(`${TOKEN_TTL_SECONDS}s`)
    .sign(key)
}

/** The user a token speaks for, or null for anything else: alg none, bad signature, expired, unknown role. */
export async function verifyToken(token: string, key: KeyObject | Uint8Array = jwtKey()): Promise<AuthUser | null> {
  const cached = verified.get(token)
  if (cached && cached.key === key && cached.expiresAt > Date.now()) return cached.user
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] })
    const claims = Claims.safeParse(payload)
    if (!claims.success) return null
    const user = { id: claims.data.sub, role: claims.data.role, displayName: claims.data.name }
    remember(token, { user, key, expiresAt: claims.data.exp * 1000 })
    return user
  }
  catch {
    return null
  }
}

// Tokens already verified, until they expire: a customer sends the same token with every like
// and every page, and checking its signature each time was a tenth of the server's time in the
// like storm. Only successes are kept, for the key that verified them, and at most MAX_VERIFIED.
const MAX_VERIFIED = 20_000
const verified = new Map<string, { user: AuthUser, key: KeyObject | Uint8Array, expiresAt: number }>()

function remember(token: string, entry: { user: AuthUser, key: KeyObject | Uint8Array, expiresAt: number }) {
  if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!)
  verified.set(token, entry)
}
