// Moderation: what an admin or a moderator may do to a show's chat and its people, and how those
// decisions hold. Every action is kept (the record, and what bans and timeouts are read from), so
// a decision made on one process holds on every other at once: they read the same store.
import type { ChatMessage, ChatSettings, ModerationEntry, Restriction, Role } from '#shared/types/models'
import { isStaff } from '#shared/utils/roles'
import type { ModerationRecord, NewModeration, UserRecord } from '../db'
import { presentChat, type Speaker } from './chat'
import { NO_CHAT_RULES, normalizeBlockedWords } from './chat-rules'
import { isoNow, type Core } from './core'
import { DomainError, notFound } from './errors'
import { findLivestream } from './livestreams'

export { isStaff }

/** Who acts: the account as stored now (a moderator removed a second ago may not). */
export async function moderatorOf(core: Core, userId: string): Promise<UserRecord> {
  const account = await core.store.getUser(userId)
  if (!account || !isStaff(account.role)) throw new DomainError('forbidden', 'only the show\'s moderators and admins can do that')
  return account
}

/**
 * How long after a ban a new guest from the banned account's signup address is taken to be the
 * same person. Bounded: an address can be a whole venue's Wi-Fi or a carrier's NAT, and the
 * newcomers there later in the show are most likely someone else.
 */
export const ADDRESS_BAN_WINDOW_MS = 30 * 60_000

/** What a customer's action in a show is checked against: their account and where the request comes from. */
export interface Participant { user: { id: string, role: Role }, deviceId?: string, address?: string }

interface ActiveRestriction extends Restriction { deviceId?: string, address?: string }

function entryOf(record: ModerationRecord): ModerationEntry {
  return {
    id: record.id,
    action: record.action,
    moderator: { id: record.moderatorId, displayName: record.moderatorName },
    ...(record.targetUserId ? { target: { id: record.targetUserId, displayName: record.targetName ?? '' } } : {}),
    ...(record.messageId ? { messageId: record.messageId } : {}),
    ...(record.until ? { until: record.until } : {}),
    ...(record.details ? { details: record.details } : {}),
    createdAt: record.createdAt,
  }
}

/** Keeps an action and tells the show's moderators. */
export async function keepAction(core: Core, action: Omit<NewModeration, 'createdAt'>) {
  const kept = await core.store.appendModeration({ ...action, createdAt: isoNow(core) })
  const entry = entryOf(kept)
  core.events.emit('moderation', { livestreamId: action.livestreamId, entry })
  return entry
}

/** The bans and timeouts in force in a show, read from its record: a later action on the same person replaces an earlier one. */
async function activeRestrictions(core: Core, livestreamId: string): Promise<ActiveRestriction[]> {
  const byUser = new Map<string, ActiveRestriction>()
  for (const action of await core.store.listModeration(livestreamId)) {
    if (!action.targetUserId) continue
    if (action.action === 'unban') byUser.delete(action.targetUserId)
    if (action.action !== 'ban' && action.action !== 'timeout') continue
    byUser.set(action.targetUserId, {
      user: { id: action.targetUserId, displayName: action.targetName ?? '' },
      kind: action.action,
      ...(action.action === 'timeout' ? { until: action.until } : {}),
      by: { id: action.moderatorId, displayName: action.moderatorName },
      at: action.createdAt,
      deviceId: action.deviceId,
      address: action.address,
    })
  }
  const now = core.clock.now()
  return [...byUser.values()].filter(restriction => !restriction.until || Date.parse(restriction.until) > now)
}

/**
 * Whether a restriction reaches this participant: their account; or the browser it was put on (a
 * new guest made in the same browser); or, for a ban, a customer account made in the half hour
 * after it from the banned account's signup address (a new account from the same network). A
 * registered account counts here like a guest: no email is verified, so registering costs no more
 * than a guest's name. Other people who share that address and had accounts before the ban are
 * not reached.
 */
async function reaches(core: Core, restriction: ActiveRestriction, who: Participant, account: () => Promise<UserRecord | null>) {
  if (restriction.user.id === who.user.id) return true
  if (restriction.deviceId && restriction.deviceId === who.deviceId) return true
  if (restriction.kind !== 'ban' || (!restriction.deviceId && !restriction.address)) return false
  const user = await account()
  if (!user) return false
  if (restriction.deviceId && user.deviceId === restriction.deviceId) return true
  const madeAfter = Date.parse(user.createdAt) - Date.parse(restriction.at)
  return !!restriction.address && user.signupAddress === restriction.address && madeAfter > 0 && madeAfter < ADDRESS_BAN_WINDOW_MS
}

/**
 * Refuses a banned or timed-out participant (chat, likes, orders in this show) with FORBIDDEN,
 * saying until when. Staff are never restricted.
 */
export async function assertMayTakePart(core: Core, livestreamId: string, who: Participant, doing: string) {
  if (isStaff(who.user.role)) return
  const restriction = await restrictionOn(core, await activeRestrictions(core, livestreamId), who)
  if (!restriction) return
  if (restriction.kind === 'ban') throw new DomainError('forbidden', `you were removed from this show by its moderators and cannot ${doing} here`)
  throw new DomainError('forbidden', `a moderator paused you: you can ${doing} again in ${remaining(Date.parse(restriction.until!) - core.clock.now())}`, { until: restriction.until })
}

/** The first of `restrictions` that reaches this participant (their account read once, if needed). */
async function restrictionOn(core: Core, restrictions: ActiveRestriction[], who: Participant) {
  let account: Promise<UserRecord | null> | undefined
  const load = () => (account ??= core.store.getUser(who.user.id))
  for (const restriction of restrictions) if (await reaches(core, restriction, who, load)) return restriction
  return undefined
}

/**
 * Many participants checked against the show's bans and pauses, read once (a giveaway's draw over
 * thousands of entries): answers whether each may still take part.
 */
export async function participationCheck(core: Core, livestreamId: string) {
  const restrictions = await activeRestrictions(core, livestreamId)
  return async (who: Participant) => isStaff(who.user.role) || !await restrictionOn(core, restrictions, who)
}

/** "40 seconds", "12 minutes", "3 hours": how long a pause still lasts, in the words a customer reads. */
function remaining(ms: number) {
  const seconds = Math.max(1, Math.ceil(ms / 1000))
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  if (minutes < 90) return `${minutes} minutes`
  return `${Math.ceil(minutes / 60)} hours`
}

async function targetOf(core: Core, userId: string) {
  const target = await core.store.getUser(userId)
  if (!target) throw notFound('user')
  if (isStaff(target.role)) throw new DomainError('forbidden', 'moderators and admins cannot be timed out or banned')
  return target
}

async function messageOf(core: Core, livestreamId: string, messageId: string) {
  const message = await core.store.getChat(messageId)
  if (!message || message.livestreamId !== livestreamId) throw new DomainError('not_found', 'no such chat message in this show')
  return message
}

const actorFields = (livestreamId: string, actor: Speaker) => ({ livestreamId, moderatorId: actor.id, moderatorName: actor.displayName })

/** Removes a line for everyone, from the live chat, its history and the replay. Deleting it again changes nothing. */
export async function deleteChatMessage(core: Core, livestreamId: string, actor: Speaker, messageId: string) {
  const message = await messageOf(core, livestreamId, messageId)
  const [deleted] = await core.store.setChatStatus({ id: messageId }, 'deleted', [undefined, 'held'])
  if (!deleted) return
  core.events.emit('chatDeleted', { livestreamId, messageIds: [messageId] })
  await keepAction(core, {
    ...actorFields(livestreamId, actor), action: 'delete', messageId,
    targetUserId: message.userId, targetName: message.displayName, details: { message: message.message },
  })
}

/** A held line goes to everyone, as it was written. */
export async function releaseChatMessage(core: Core, livestreamId: string, actor: Speaker, messageId: string) {
  const message = await messageOf(core, livestreamId, messageId)
  const [released] = await core.store.setChatStatus({ id: messageId }, null, ['held'])
  if (!released) throw new DomainError('conflict', 'this message is not waiting for review')
  core.events.emit('chat', presentChat(released))
  await keepAction(core, { ...actorFields(livestreamId, actor), action: 'release', messageId, targetUserId: message.userId, targetName: message.displayName })
}

/** The user may not chat, like or buy in this show for `seconds`. */
export async function timeoutUser(core: Core, livestreamId: string, actor: Speaker, userId: string, seconds: number) {
  await findLivestream(core, livestreamId)
  const target = await targetOf(core, userId)
  const until = new Date(core.clock.now() + seconds * 1000).toISOString()
  return keepAction(core, {
    ...actorFields(livestreamId, actor), action: 'timeout', targetUserId: target.id, targetName: target.displayName,
    until, deviceId: target.deviceId, details: { seconds },
  })
}

/** A timeout without end for this show, reaching the guests made after it in the same browser or network; their lines go. */
export async function banUser(core: Core, livestreamId: string, actor: Speaker, userId: string) {
  await findLivestream(core, livestreamId)
  const target = await targetOf(core, userId)
  const deleted = await core.store.setChatStatus({ livestreamId, userId }, 'deleted', [undefined, 'held'])
  if (deleted.length) core.events.emit('chatDeleted', { livestreamId, messageIds: deleted.map(message => message.id) })
  return keepAction(core, {
    ...actorFields(livestreamId, actor), action: 'ban', targetUserId: target.id, targetName: target.displayName,
    deviceId: target.deviceId, address: target.signupAddress, details: { messagesDeleted: deleted.length },
  })
}

/** Lifts a ban or a timeout. */
export async function unbanUser(core: Core, livestreamId: string, actor: Speaker, userId: string) {
  await findLivestream(core, livestreamId)
  const target = await core.store.getUser(userId)
  if (!target) throw notFound('user')
  return keepAction(core, { ...actorFields(livestreamId, actor), action: 'unban', targetUserId: target.id, targetName: target.displayName })
}

export function chatSettingsOf(stream: { chatSettings?: ChatSettings }): ChatSettings {
  return { ...NO_CHAT_RULES, ...stream.chatSettings }
}

/** Changes some of a show's chat rules; the room hears them. */
export async function updateChatSettings(core: Core, livestreamId: string, actor: Speaker, change: Partial<ChatSettings>) {
  const stream = await findLivestream(core, livestreamId)
  const settings: ChatSettings = {
    ...chatSettingsOf(stream),
    ...change,
    ...(change.blockedWords ? { blockedWords: normalizeBlockedWords(change.blockedWords) } : {}),
  }
  await core.store.updateLivestream(livestreamId, { chatSettings: settings })
  core.events.emit('chatSettings', { livestreamId, settings })
  await keepAction(core, { ...actorFields(livestreamId, actor), action: 'settings', details: { ...change, ...(change.blockedWords ? { blockedWords: settings.blockedWords.length } : {}) } })
  return settings
}

/** A show's moderation as its moderators see it: the record, the held lines, who is restricted now. */
export async function moderationOf(core: Core, livestreamId: string): Promise<{ actions: ModerationEntry[], held: ChatMessage[], bans: Restriction[], settings: ChatSettings }> {
  const stream = await findLivestream(core, livestreamId)
  const [actions, held, restrictions] = await Promise.all([
    core.store.listModeration(livestreamId),
    core.store.listChat(livestreamId, { limit: 500, status: 'held' }),
    activeRestrictions(core, livestreamId),
  ])
  return {
    actions: actions.map(entryOf),
    held: held.map(presentChat),
    bans: restrictions.map(({ deviceId: _device, address: _address, ...shown }) => shown),
    settings: chatSettingsOf(stream),
  }
}
