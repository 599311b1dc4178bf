// The reminder mails, in the customer's language: the confirmation (double opt-in), "live now"
// and "starts in 15 minutes". Their words are the `mail` messages of i18n/locales/<code>.json,
// the same files the pages speak from, formatted by @intlify/core (vue-i18n's engine); the show's
// title is the host's text and is never translated. Each mail has a plain text and an HTML part,
// and every one carries the one-click unsubscribe of RFC 8058 and a link to the same.
import { createCoreContext, translate } from '@intlify/core'
import de from '../../i18n/locales/de.json'
import en from '../../i18n/locales/en.json'
import fr from '../../i18n/locales/fr.json'
import { DEFAULT_LOCALE, LOCALES, pickLocale } from '#shared/utils/locales'
import type { NewMail, ReminderRecord } from '../db'
import { escapeMarkup } from '../utils/escape-markup'

const i18n = createCoreContext({
  locale: DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: { en, de, fr },
  missingWarn: false,
  fallbackWarn: false,
})

type MailKey = keyof typeof en.mail
const say = (locale: string, key: MailKey, named: Record<string, string>) => String(translate(i18n, `mail.${key}`, named, { locale: pickLocale(locale) }))

/** Where a reminder's links lead; `token` proves the link came from its mail (reminders.ts). */
export interface ReminderLinks {
  show: string
  calendar: string
  /** The page with the confirm button (a GET never confirms: mail scanners open links). */
  confirm: string
  /** The page with the unsubscribe button, for people. */
  unsubscribePage: string
  /** The RFC 8058 one-click address, for mail clients (POST). */
  unsubscribeOneClick: string
}

export type ReminderMailKind = 'confirm' | 'live' | 'soon'

interface Paragraph { text: string, link?: string }

function render(kind: ReminderMailKind, reminder: ReminderRecord, title: string, links: ReminderLinks, startsAt?: string) {
  const { locale } = reminder
  const language = LOCALES.find(entry => entry.code === pickLocale(locale))!.language
  const time = startsAt ? new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' }).format(new Date(startsAt)) : ''
  const paragraphs: Paragraph[] = [
    ...(kind === 'confirm'
      ? [{ text: say(locale, 'confirmBody', { title }), link: links.confirm }, { text: say(locale, 'confirmIgnore', { title }) }]
      : [{ text: say(locale, kind === 'live' ? 'liveBody' : 'soonBody', { title, time }), link: links.show }]),
    ...(kind === 'live' ? [] : [{ text: say(locale, 'calendar', { title }), link: links.calendar }]),
    { text: say(locale, 'footer', { title }), link: links.unsubscribePage },
  ]
  const subject = say(locale, kind === 'confirm' ? 'confirmSubject' : kind === 'live' ? 'liveSubject' : 'soonSubject', { title, time })
  return {
    subject,
    text: `${paragraphs.map(p => p.link ? `${p.text}\n${p.link}` : p.text).join('\n\n')}\n`,
    html: `<!doctype html><html lang="${escapeMarkup(pickLocale(locale))}"><body style="font-family:sans-serif;color:#1c1917">${
      paragraphs.map(p => `<p>${escapeMarkup(p.text)}${p.link ? `<br><a href="${escapeMarkup(p.link)}">${escapeMarkup(p.link)}</a>` : ''}</p>`).join('')
    }</body></html>`,
  }
}

/**
 * One reminder mail, ready for the outbox. `key` makes it once-only: the same key is never queued
 * twice (the confirmation's key is the caller's, see reminders.ts).
 */
export function reminderMail(kind: ReminderMailKind, key: string, reminder: ReminderRecord, title: string, links: ReminderLinks, at: string, startsAt?: string): NewMail {
  const headers = { 'List-Unsubscribe': `<${links.unsubscribeOneClick}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
  return { key, recipient: reminder.email, ...render(kind, reminder, title, links, startsAt), headers, livestreamId: reminder.livestreamId, reminderId: reminder.id, createdAt: at }
}
