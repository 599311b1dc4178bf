import type { RegisterInput } from '#shared/schemas/auth'
import { StoreError, type Store } from '../db'
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../utils/password'
import type { Core } from './core'
import { DomainError } from './errors'

/** The user whose email and password these are, or a 401 that does not say which was wrong. */
export async function authenticate(core: Core, email: string, password: string) {
  const user = await core.store.findUserByEmail(email)
  const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH)
  if (!user || !valid) throw new DomainError('unauthorized', 'wrong email or password')
  return user
}

export async function registerCustomer(core: Core, input: RegisterInput) {
  try {
    return await core.store.createUser({ email: input.email, passwordHash: await hashPassword(input.password), role: 'customer', displayName: input.displayName })
  }
  catch (error) {
    if (error instanceof StoreError && error.code === 'duplicate') throw new DomainError('conflict', 'this email is already registered')
    throw error
  }
}

export function createGuest(core: Core, displayName: string) {
  return core.store.createUser({ role: 'customer', displayName })
}

/** The account behind a token, if it still exists. */
export function findUser(core: Core, id: string) {
  return core.store.getUser(id)
}

/** Creates the configured admin on first start, when no admin exists yet. */
export async function seedAdmin(store: Store, email: string, password: string): Promise<boolean> {
  if (!email || !password || await store.hasAdmin()) return false
  const existing = await store.findUserByEmail(email.toLowerCase())
  if (existing) return false
  await store.createUser({ email: email.toLowerCase(), passwordHash: await hashPassword(password), role: 'admin', displayName: 'WrenCos Studio' })
  return true
}
