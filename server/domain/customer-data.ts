// A customer's data on request (PROTOCOL.md, "Operations"; the GDPR's access and erasure): the
// admin, or the customer from their own account, exports everything the shop holds about them as
// JSON, or erases it. Erasure removes the account and what identifies the person; the orders stay
// for the shop's accounts with the person's details replaced, the chat lines stay in the replays
// as from "Deleted user" (so do their questions, votes, entries and giveaway wins), the funnel
// rows stay counted but unlinked, reminders go. The admin's
// exports and erasures are kept in the audit log (a customer's own are not the shop's acts).
import type { AuditRecord, UserRecord } from '../db'
import { isoNow, type Core } from './core'
import { DomainError } from './errors'
import { presentQuestion } from './questions'

export const ERASED_AS = {
  displayName: 'Deleted user',
  shipping: { name: 'Deleted customer', email: 'deleted@invalid', address: '' },
}

/** Who asks: the admin (recorded in the audit log) or the customer themself. */
export type DataRequester = { kind: 'admin', id: string, displayName: string } | { kind: 'self' }

async function findCustomer(core: Core, id: string): Promise<UserRecord> {
  const user = await core.store.getUser(id)
  if (!user || user.role !== 'customer') throw new DomainError('not_found', 'no such customer')
  return user
}

async function audit(core: Core, requester: DataRequester, action: AuditRecord['action'], targetUserId: string) {
  if (requester.kind !== 'admin') return
  await core.store.appendAudit({ actorId: requester.id, actorName: requester.displayName, action, targetUserId, createdAt: isoNow(core) })
}

/** Everything the shop holds about one customer, as they would read it (no password hash). */
export async function exportCustomer(core: Core, id: string, requester: DataRequester) {
  const user = await findCustomer(core, id)
  const [orders, chat, reminders, funnel, sessions, onAir] = await Promise.all([
    core.store.listOrders({ userId: id }),
    core.store.listChatOfUser(id),
    user.email ? core.store.listRemindersOf(user.email) : [],
    core.store.listFunnelEventsOfUser(id),
    core.store.listSessionsOf(id),
    core.store.onAirOfUser(id),
  ])
  await audit(core, requester, 'customer.exported', id)
  const { passwordHash, ...account } = user
  return {
    exportedAt: isoNow(core),
    account: { ...account, hasPassword: !!passwordHash },
    sessions: sessions.map(({ id: _id, ...session }) => session),
    orders,
    chat: chat.map(({ userId: _userId, ...line }) => line),
    reminders: reminders.map(({ id: _id, origin: _origin, ...reminder }) => reminder),
    funnel: funnel.map(({ userId: _userId, ...row }) => row),
    questions: onAir.items.filter(item => item.kind === 'question').map(presentQuestion),
    // Votes (the option's number) and giveaway entries.
    onAirAnswers: onAir.responses.map(({ userId: _userId, deviceId: _deviceId, ...response }) => response),
  }
}

/** Erases a customer everywhere at once, and ends their sessions. */
export async function eraseCustomer(core: Core, id: string, requester: DataRequester) {
  const user = await findCustomer(core, id)
  // Through the sessions, not the store: their cache of checked tokens forgets them too.
  await core.sessions.endAll(id)
  if (!await core.store.eraseUser(id, user.email, ERASED_AS)) throw new DomainError('not_found', 'no such customer')
  await audit(core, requester, 'customer.erased', id)
}

export async function listAudit(core: Core, limit = 200) {
  return core.store.listAudit(limit)
}
