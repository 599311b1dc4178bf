import type { MailRecord } from '../db'
import { isoNow, type Core } from './core'
import { listenTo } from './events'
import { allLivestreams } from './livestreams'
import { outboxWorker } from './outbox-worker'
import { queueLiveMails, queueSoonMails } from './reminders'
import { nextAttemptDelay } from './webhooks'

/** Longer than one SMTP conversation may take (the transport gives up after 20 s without an answer). */
const LEASE_MS = 30_000
const BATCH = 10
/** How often scheduled shows are looked at for their "starts in 15 minutes" mails. */
const SOON_EVERY_MS = 30_000
/** A mail that could not be sent in this long is given up (a reminder half a day late helps nobody). */
const GIVE_UP_AFTER_MS = 12 * 3600_000
/** The first retry's wait; each later one three times longer, at most an hour (as webhooks). */
const FIRST_RETRY_MS = 30_000

/** An SMTP answer of 5xx is final (no such mailbox, refused): trying again would not help. */
const isPermanent = (error: unknown) => {
  const code = (error as { responseCode?: number }).responseCode
  return typeof code === 'number' && code >= 500 && code < 600
}

async function attempt(core: Core, mail: MailRecord) {
  const attempts = mail.attempts + 1
  try {
    await core.mail.transport!.send(mail)
    await core.store.updateMail(mail.id, { status: 'sent', attempts, sentAt: isoNow(core), lastError: null })
  }
  catch (error) {
    const next = core.clock.now() + nextAttemptDelay(FIRST_RETRY_MS, attempts)
    const givenUp = isPermanent(error) || next > Date.parse(mail.createdAt) + GIVE_UP_AFTER_MS
    console.error(`[mail] could not send mail ${mail.id} (${mail.key.split(':')[0]}), attempt ${attempts}${givenUp ? ', given up' : ''}: ${(error as Error).message}`)
    await core.store.updateMail(mail.id, { status: givenUp ? 'failed' : 'pending', attempts, lastError: String((error as Error).message ?? error).slice(0, 300), nextAttemptAt: new Date(next).toISOString() })
  }
}

/**
 * Reminder mails of one process, wired where the app is assembled: a show going live queues its
 * "live now" mails, a timer queues the "starts in 15 minutes" ones, and the sender sends what the
 * outbox holds. At start it catches up on what a stopped or killed process left: shows live now
 * get their mails (the keys make that once), due mails are sent when their lease is over.
 */
export function wireReminders(core: Core): () => void {
  if (!core.mail.transport) return () => {}
  const report = (what: string) => (error: unknown) => console.error(`[mail] could not ${what}`, error)
  const worker = outboxWorker(core.clock, 'mail', async () => {
    const now = core.clock.now()
    const due = await core.store.claimMails(new Date(now).toISOString(), new Date(now + LEASE_MS).toISOString(), BATCH)
    for (const mail of due) await attempt(core, mail).catch(report('record a mail attempt'))
    return due.length
  })
  let soonTimer = core.clock.after(0, function soon() {
    void allLivestreams(core, 'scheduled').then(shows => queueSoonMails(core, shows)).catch(report('queue the 15-minute reminders'))
    soonTimer = core.clock.after(SOON_EVERY_MS, soon)
  })
  void allLivestreams(core, 'live').then(shows => Promise.all(shows.map(show => queueLiveMails(core, show.id)))).catch(report('catch up on live reminders'))

  const detach = listenTo(core.events, {
    mailsQueued: () => worker.wake(),
    started: ({ livestream }) => void queueLiveMails(core, livestream.id).catch(report('queue the live reminders')),
  })
  return () => {
    soonTimer.cancel()
    worker.stop()
    detach()
    core.mail.transport?.close()
  }
}
