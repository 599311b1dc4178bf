// Reminders by mail (PROTOCOL.md, "Sharing, search and reminders"): a customer leaves an address on
// a show's page, confirms it from the mail (double opt-in), and is mailed when the show goes live
// and 15 minutes before a scheduled start. Every mail goes through the outbox (mail-sender.ts) with
// a unique key, so no restart, kill or second process sends one twice or loses one.
//
// The form must not become a way to mail-bomb someone else: the endpoint is rate limited per
// address (limits.ts `reminder`), and one address gets at most CONFIRMATIONS_PER_DAY confirmation
// mails a day over all shows, counted by the outbox's unique keys (atomic in every store and
// across processes). Nothing else is ever sent to an address that did not confirm.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { LivestreamRecord, MailRecord, ReminderRecord } from '../db'
import { isoNow, type Core } from './core'
import { DomainError } from './errors'
import { findLivestream } from './livestreams'
import { reminderMail, type ReminderLinks, type ReminderMailKind } from './reminder-mails'
import { pickLocale } from '#shared/utils/locales'

/** Sends one mail from the outbox (nodemailer over SMTP in the app, a test's own otherwise). */
export interface MailTransport {
  send(mail: MailRecord): Promise<void>
  close(): void
}

export interface MailConfig {
  /** Absent: no NUXT_SMTP_URL, reminders are off and their endpoint answers 404. */
  transport?: MailTransport
  /** Signs the links in the mails (the server's secret). */
  secret: string
}

export const NO_MAIL: MailConfig = { secret: '' }

export const CONFIRMATIONS_PER_DAY = 3
/** "Starts in 15 minutes" goes out this long before a scheduled start. */
export const SOON_BEFORE_MS = 15 * 60_000
/** ... and still goes out this long after it, while the show has not started (a server that was down then). */
const SOON_LATE_MS = 15 * 60_000
const PAGE = 500

/** The secret in a reminder's links: an HMAC of its id, so nothing is stored and nothing can be guessed. */
export function reminderToken(secret: string, id: string): string {
  return createHmac('sha256', secret).update(`reminder:${id}`).digest('base64url').slice(0, 32)
}

function checkToken(core: Core, id: string, token: string) {
  const expected = Buffer.from(reminderToken(core.mail.secret, id))
  const given = Buffer.from(token)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DomainError('not_found', 'this reminder link is not valid')
}

function linksOf(core: Core, reminder: ReminderRecord): ReminderLinks {
  const token = reminderToken(core.mail.secret, reminder.id)
  const show = `${reminder.origin}/live/${reminder.livestreamId}`
  const page = `${reminder.origin}/reminders/${reminder.id}?token=${token}`
  return {
    show,
    calendar: `${show}/calendar.ics`,
    confirm: page,
    unsubscribePage: `${page}&action=unsubscribe`,
    unsubscribeOneClick: `${reminder.origin}/api/reminders/${reminder.id}/unsubscribe?token=${token}`,
  }
}

function requireMail(core: Core) {
  if (!core.mail.transport) throw new DomainError('not_found', 'reminders are off on this server (no NUXT_SMTP_URL)')
}

async function queue(core: Core, mails: Parameters<Core['store']['enqueueMails']>[0]) {
  const queued = mails.length ? await core.store.enqueueMails(mails) : []
  if (queued.length) core.events.emit('mailsQueued')
  return queued
}

const mailOf = (core: Core, kind: ReminderMailKind, key: string, reminder: ReminderRecord, show: LivestreamRecord) =>
  reminderMail(kind, key, reminder, show.title, linksOf(core, reminder), isoNow(core), show.scheduledAt)

/**
 * "Remind me": keeps the address for the show and sends the confirmation. The answer is the same
 * whether the address was new, waiting or confirmed, so the form tells nobody who asked before.
 */
export async function requestReminder(core: Core, livestreamId: string, input: { email: string, locale?: string }, origin: string): Promise<void> {
  requireMail(core)
  const show = await findLivestream(core, livestreamId)
  if (show.status === 'ended') throw new DomainError('conflict', 'this show has ended: watch its replay instead')
  const email = input.email.trim().toLowerCase()
  const { reminder } = await core.store.addReminder({ livestreamId, email, locale: pickLocale(input.locale), origin, createdAt: isoNow(core) })
  if (reminder.status === 'confirmed') return
  // The day's confirmation slots of this address: the first free one is taken, atomically; none free, no mail.
  const day = isoNow(core).slice(0, 10)
  const who = createHash('sha256').update(email).digest('hex').slice(0, 32)
  for (let slot = 0; slot < CONFIRMATIONS_PER_DAY; slot++) {
    if ((await queue(core, [mailOf(core, 'confirm', `confirm:${who}:${day}:${slot}`, reminder, show)])).length) return
  }
}

/** What the reminder page shows: the show and the reminder's state. */
export async function readReminder(core: Core, id: string, token: string) {
  checkToken(core, id, token)
  const reminder = await core.store.getReminder(id)
  if (!reminder) throw new DomainError('not_found', 'this reminder is gone (unsubscribed)')
  const show = await findLivestream(core, reminder.livestreamId)
  return { status: reminder.status, livestream: { id: show.id, title: show.title, status: show.status, scheduledAt: show.scheduledAt } }
}

/** The customer confirmed from the mail; a show already live gets its "live now" mail at once. */
export async function confirmReminder(core: Core, id: string, token: string) {
  checkToken(core, id, token)
  const reminder = await core.store.confirmReminder(id, isoNow(core))
  if (!reminder) throw new DomainError('not_found', 'this reminder is gone (unsubscribed)')
  const show = await findLivestream(core, reminder.livestreamId)
  if (show.status === 'live') await queue(core, [mailOf(core, 'live', `live:${reminder.id}`, reminder, show)])
  else await queueSoonMails(core, [show])
  return readReminder(core, id, token)
}

/** Unsubscribe (the page's button or a mail client's one-click POST): the reminder and its unsent mails go. Saying it twice is fine. */
export async function unsubscribeReminder(core: Core, id: string, token: string): Promise<void> {
  checkToken(core, id, token)
  await core.store.deleteReminder(id)
}

/** How many wait for a show (the studio's figure). */
export async function reminderCounts(core: Core, livestreamId: string) {
  await findLivestream(core, livestreamId)
  return { ...(await core.store.countReminders(livestreamId)), enabled: !!core.mail.transport }
}

async function queueForEveryone(core: Core, show: LivestreamRecord, kind: 'live' | 'soon', keyOf: (reminder: ReminderRecord) => string) {
  let after: string | undefined
  for (;;) {
    const page = await core.store.listConfirmedReminders(show.id, { after, limit: PAGE })
    await queue(core, page.map(reminder => mailOf(core, kind, keyOf(reminder), reminder, show)))
    if (page.length < PAGE) return
    after = page.at(-1)!.id
  }
}

/** The show went live: "live now" to each confirmed address, once (the key), however often this runs. */
export async function queueLiveMails(core: Core, livestreamId: string) {
  const show = await core.store.getLivestream(livestreamId)
  if (show?.status === 'live') await queueForEveryone(core, show, 'live', reminder => `live:${reminder.id}`)
}

/** "Starts in 15 minutes" for the scheduled shows whose time has come, once per reminder and start time. */
export async function queueSoonMails(core: Core, shows: LivestreamRecord[]) {
  const now = core.clock.now()
  for (const show of shows) {
    if (show.status !== 'scheduled' || !show.scheduledAt) continue
    const start = Date.parse(show.scheduledAt)
    if (now < start - SOON_BEFORE_MS || now > start + SOON_LATE_MS) continue
    await queueForEveryone(core, show, 'soon', reminder => `soon:${reminder.id}:${show.scheduledAt}`)
  }
}
