import nodemailer from 'nodemailer'
import type { MailRecord } from '../db'
import type { MailTransport } from '../domain/reminders'

/**
 * The outbox's mails over SMTP, with nodemailer (NUXT_SMTP_URL: smtp://user:pass@host:port, or
 * smtps:// for TLS from the first byte; STARTTLS is used where the server offers it). The
 * Message-ID is the mail's own, so a mail sent again after a crash mid-send is recognisably the same.
 */
export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 })
  // The sender's domain, for the Message-ID (RFC 5322 wants one of ours on the right).
  const host = /@([^>\s]+)/.exec(from)?.[1] ?? 'wrencos.local'
  return {
    async send(mail: MailRecord) {
      await transporter.sendMail({
        from,
        to: mail.recipient,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        messageId: `<${mail.id}@${host}>`,
      })
    },
    close: () => transporter.close(),
  }
}
