import { createError } from 'h3'
import type { RegisterInput } from '#shared/schemas/auth'
import { StoreError, type Store } from '../db'
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../utils/password'

/** The user whose email and password these are, or a 401 that does not say which was wrong. */
export async function authenticate(store: Store, email: string, password: string) {
  const user = await store.findUserByEmail(email)
  const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH)
  if (!user || !valid) throw createError({ statusCode: 401, message: 'wrong email or password' })
  return user
}

export async function registerCustomer(store: Store, input: RegisterInput) {
  try {
    return await store.createUser({ email: input.email, passwordHash: await hashPassword(input.password), role: 'customer', displayName: input.displayName })
  }
  catch (error) {
    if (error instanceof StoreError && error.code === 'duplicate') throw createError({ statusCode: 409, message: 'this email is already registered' })
    throw error
  }
}

export function createGuest(store: Store, displayName: string) {
  return store.createUser({ role: 'customer', displayName })
}

/** Creates the configured admin on first start, when no admin exists yet. */
export async function seedAdmin(store: Store, email: string, password: string): Promise<boolean> {
  if (!email || !password || await store.hasAdmin()) return false
  const existing = await store.findUserByEmail(email.toLowerCase())
  if (existing) return false
  await store.createUser({ email: email.toLowerCase(), passwordHash: await hashPassword(password), role: 'admin', displayName: 'WrenCos Studio' })
  return true
}
