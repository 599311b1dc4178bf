import type { RegisterInput } from '#shared/schemas/auth'
import type { Role } from '#shared/types/models'
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

/** Where an account is made from: a ban reaches the guests made later in the same browser or network. */
export interface SignupOrigin { deviceId?: string, signupAddress?: string }

export async function registerCustomer(core: Core, input: RegisterInput, origin: SignupOrigin = {}) {
  return createAccount(core, { email: input.email, password: input.password, displayName: input.displayName, role: 'customer', ...origin })
}

/** An account with an email and password (a customer who registers, a moderator the admin makes). */
export async function createAccount(core: Core, input: { email: string, password: string, displayName: string, role: Role } & SignupOrigin) {
  const { password, ...account } = input
  try {
    return await core.store.createUser({ ...account, passwordHash: await hashPassword(password) })
  }
  catch (error) {
    if (error instanceof StoreError && error.code === 'duplicate') throw new DomainError('conflict', 'this email is already registered')
    throw error
  }
}

export function createGuest(core: Core, displayName: string, origin: SignupOrigin = {}) {
  return core.store.createUser({ role: 'customer', displayName, ...origin })
}

/** The brand's moderators, oldest first. */
export async function listModerators(core: Core) {
  return core.store.listUsers({ role: 'moderator' })
}

/** Removes a moderator's account and ends their sessions at once. */
export async function removeModerator(core: Core, id: string) {
  const user = await core.store.getUser(id)
  if (!user || user.role !== 'moderator') throw new DomainError('not_found', 'no such moderator')
  await core.store.revokeSessions({ userId: id }, new Date(core.clock.now()).toISOString())
  await core.store.deleteUser(id)
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
