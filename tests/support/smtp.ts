// A real SMTP server for mail tests (the `smtp-server` package, nodemailer's own): every message it
// accepts is parsed (mailparser) and kept. `hold()` makes it take the next messages' data and never
// answer, as a slow server would, so a test can kill the sender in the middle of a send; such a
// message is never counted as received.
import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  to: string
  subject: string
  text: string
  /** A header as sent (`List-Unsubscribe-Post` -> its value), unfolded; mailparser's own map regroups some. */
  header(name: string): string | undefined
  raw: ParsedMail
}

export interface TestSmtp {
  url: string
  received: ReceivedMail[]
  /** Mails to one address so far. */
  to(address: string): ReceivedMail[]
  /** Resolves with the first `count` mails that match, or fails after `timeoutMs`. */
  waitFor(match: (mail: ReceivedMail) => boolean, count?: number, timeoutMs?: number): Promise<ReceivedMail[]>
  /** From now on, DATA is read and never answered; answers when the first held message's data has arrived. */
  hold(): Promise<void>
  release(): void
  close(): Promise<void>
}

export async function startSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = []
  let holding = false
  let onHeld: (() => void) | undefined
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      if (holding) {
        stream.resume()
        stream.on('end', () => onHeld?.())
        return // never answered: the sender waits until it gives up or dies
      }
      simpleParser(stream).then((mail) => {
        for (const recipient of session.envelope.rcptTo) {
          const header = (name: string) => {
            const line = mail.headerLines.find(entry => entry.key === name.toLowerCase())?.line
            return line?.slice(line.indexOf(':') + 1).replace(/\r?\n\s+/g, ' ').trim()
          }
          received.push({ to: recipient.address, subject: mail.subject ?? '', text: mail.text ?? '', header, raw: mail })
        }
        callback()
      }, callback)
    },
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    to: address => received.filter(mail => mail.to === address),
    async waitFor(match, count = 1, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      while (Date.now() < deadline) {
        const found = received.filter(match)
        if (found.length >= count) return found.slice(0, count)
        await new Promise(resolve => setTimeout(resolve, 50))
      }
      throw new Error(`expected ${count} matching mail(s) within ${timeoutMs} ms; got: ${received.map(mail => `${mail.to}: ${mail.subject}`).join('; ') || 'none'}`)
    },
    hold() {
      holding = true
      return new Promise(resolve => (onHeld = resolve))
    },
    release() {
      holding = false
      onHeld = undefined
    },
    close: () => new Promise(resolve => server.close(() => resolve())),
  }
}
