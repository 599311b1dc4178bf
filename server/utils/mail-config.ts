import { randomBytes } from 'node:crypto'
import type { MailConfig } from '../domain/reminders'
import type { ServerConfig } from './config'
import { smtpTransport } from './mailer'

/**
 * Reminder mails from NUXT_SMTP_URL and NUXT_MAIL_FROM: both, or reminders are off (and the
 * server says why at start). A URL that is not smtp(s):// refuses the start: mail that silently
 * goes nowhere is worse than none. The links in the mails are signed with the server's secret
 * (a random one in dev without NUXT_JWT_SECRET: links then last until the next restart).
 */
export function mailConfigOf(config: ServerConfig): MailConfig {
  const secret = config.jwtSecret || randomBytes(32).toString('base64url')
  const { smtpUrl, from } = config.mail
  if (!smtpUrl && !from) return { secret }
  if (!smtpUrl || !from) {
    console.warn(`[wrencos] ${smtpUrl ? 'NUXT_MAIL_FROM' : 'NUXT_SMTP_URL'} is not set: reminders by mail are off until both are.`)
    return { secret }
  }
  let protocol = ''
  try {
    protocol = new URL(smtpUrl).protocol
  }
  catch { /* said below */ }
  if (protocol !== 'smtp:' && protocol !== 'smtps:') {
    console.error('[wrencos] NUXT_SMTP_URL must be smtp://user:pass@host:port or smtps://...; refusing to start.')
    process.exit(1)
  }
  return { secret, transport: smtpTransport(smtpUrl, from) }
}
