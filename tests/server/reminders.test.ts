// Reminders by mail (PROTOCOL.md, "Sharing, search and reminders") against a real SMTP server:
// double opt-in, the go-live mail exactly once even across a kill -9 in the middle of its send,
// one-click unsubscribe, the 15-minute mail in the customer's language, and no way to mail-bomb.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { startServer, type RunningServer } from '../support/server'
import { startSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp'

let smtp: TestSmtp
let server: RunningServer
let token: string
const base = () => server.baseURL

beforeAll(async () => {
  smtp = await startSmtp()
  server = await startServer({
    NUXT_MONGODB_URI: '',
    NUXT_SMTP_URL: smtp.url,
    NUXT_MAIL_FROM: 'WrenCos Live <live@wrencos.test>',
    // The per-address request limit is lifted here, so what is tested is the cap on mails to one address.
    NUXT_RATE_LIMITS: JSON.stringify({ reminder: { perAddress: { burst: 1000, perSecond: 100 }, perKey: { burst: 1000, perSecond: 100 } } }),
  })
  token = (await api('/api/auth/login', { base: base(), body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token
})
afterAll(async () => {
  await server?.stop()
  await smtp?.close()
})

const show = async (overrides: Record<string, unknown> = {}) => (await api('/api/livestreams', {
  base: base(), token, body: { title: 'Glow night', quality: '480p', scheduledAt: new Date(Date.now() + 86_400_000).toISOString(), ...overrides },
})).body.livestream as { id: string }
const remind = (id: string, email: string, locale?: string) => api(`/api/livestreams/${id}/reminders`, { base: base(), body: { email, ...(locale ? { locale } : {}) } })
const start = (id: string) => api(`/api/livestreams/${id}/start`, { base: base(), method: 'POST', token })

/** The reminder page's link in a mail: its id and token. */
function linkOf(mail: ReceivedMail, action?: 'unsubscribe') {
  const match = new RegExp(`/reminders/(\\w+)\\?token=([\\w-]+)${action ? '&action=unsubscribe' : '\\s'}`).exec(`${mail.text}\n`)
  expect(match, mail.text).not.toBeNull()
  return { id: match![1]!, token: match![2]! }
}
async function confirmFrom(mail: ReceivedMail) {
  const link = linkOf(mail)
  const confirmed = await api(`/api/reminders/${link.id}/confirm?token=${link.token}`, { base: base(), method: 'POST' })
  expect(confirmed.status).toBe(200)
  return link
}
const subjectOf = (kind: RegExp) => (mail: ReceivedMail) => kind.test(mail.subject)

describe('reminders by mail', () => {
  it('confirms first, then mails "live now" exactly once, even when killed -9 in the middle of sending it', async () => {
    const { id } = await show({ title: 'Spring "Glow" <launch>' })
    const fan = 'fan@example.com'
    const shy = 'shy@example.com'
    const first = await remind(id, fan)
    expect(first.status).toBe(202)
    const [confirmation] = await smtp.waitFor(mail => mail.to === fan)
    expect(confirmation!.subject).toBe('Confirm your reminder for Spring "Glow" <launch>')
    expect(confirmation!.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
    expect(confirmation!.header('List-Unsubscribe')).toMatch(new RegExp(`^<${base()}/api/reminders/\\w+/unsubscribe\\?token=[\\w-]+>$`))
    expect(confirmation!.raw.html).toContain('Spring &quot;Glow&quot; &lt;launch&gt;')

    // A known address and a new one get the same answer.
    const again = await remind(id, fan)
    const other = await remind(id, shy)
    expect([again.status, again.body]).toEqual([first.status, first.body])
    expect([other.status, other.body]).toEqual([first.status, first.body])
    await smtp.waitFor(mail => mail.to === shy)

    // A link with a wrong token does nothing.
    const link = linkOf(confirmation!)
    expect((await api(`/api/reminders/${link.id}/confirm?token=${'x'.repeat(32)}`, { base: base(), method: 'POST' })).status).toBe(404)
    expect((await api(`/api/reminders/${link.id}?token=${link.token}`, { base: base() })).body.status).toBe('pending')
    await confirmFrom(confirmation!)
    expect((await api(`/api/reminders/${link.id}?token=${link.token}`, { base: base() })).body).toMatchObject({ status: 'confirmed', livestream: { id } })
    expect((await api(`/api/livestreams/${id}/reminders`, { base: base(), token })).body).toEqual({ pending: 1, confirmed: 1, enabled: true })
    expect((await api(`/api/livestreams/${id}/reminders`, { base: base() })).status).toBe(401)

    // The show starts while the SMTP server takes the mail's data and never answers; the sender is killed then.
    const held = smtp.hold()
    expect((await start(id)).status).toBe(200)
    await held
    await server.kill()
    smtp.release()
    expect(smtp.to(fan).filter(subjectOf(/live now/))).toEqual([])

    server = await startServer(server.env, { dataDir: server.dataDir, port: server.port })
    // Once its lease (30 s) is over, the restarted process sends it: once.
    const [live] = await smtp.waitFor(mail => mail.to === fan && /live now/.test(mail.subject), 1, 50_000)
    expect(live!.subject).toBe('Spring "Glow" <launch> is live now')
    expect(live!.text).toContain(`${base()}/live/${id}`)
    expect(live!.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
    await new Promise(resolve => setTimeout(resolve, 2000))
    expect(smtp.to(fan).filter(subjectOf(/live now/))).toHaveLength(1)
    // The unconfirmed address got its confirmation and nothing else.
    expect(smtp.to(shy).map(mail => mail.subject)).toEqual(['Confirm your reminder for Spring "Glow" <launch>'])
  }, 90_000)

  it('one-click unsubscribe (RFC 8058) stops the reminders; the 15-minute mail speaks the customer\'s language', async () => {
    const soon = await show({ title: 'Abendglanz', scheduledAt: new Date(Date.now() + 10 * 60_000).toISOString() })
    const leaving = 'leaving@example.com'
    const staying = 'bleibe@example.com'
    await remind(soon.id, leaving)
    await remind(soon.id, staying, 'de')
    const [toLeaving] = await smtp.waitFor(mail => mail.to === leaving)
    const [toStaying] = await smtp.waitFor(mail => mail.to === staying)
    expect(toStaying!.subject).toBe('Bestätige deine Erinnerung an Abendglanz')
    const leaver = await confirmFrom(toLeaving!)
    // The mail client's one-click POST: a form, from no page at all.
    const oneClick = await fetch(`${base()}/api/reminders/${leaver.id}/unsubscribe?token=${leaver.token}`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click',
    })
    expect(oneClick.status).toBe(204)
    expect((await api(`/api/reminders/${leaver.id}?token=${leaver.token}`, { base: base() })).status).toBe(404)
    await confirmFrom(toStaying!)
    const [reminder] = await smtp.waitFor(mail => mail.to === staying && /15 Minuten/.test(mail.subject))
    expect(reminder!.subject).toBe('Abendglanz beginnt in 15 Minuten')
    expect(reminder!.text).toContain(`${base()}/live/${soon.id}/calendar.ics`)
    expect((await start(soon.id)).status).toBe(200)
    await smtp.waitFor(mail => mail.to === staying && /ist jetzt live/.test(mail.subject))
    // Confirmed inside the 15 minutes, the leaver had that mail at once; after the one click, nothing more.
    await new Promise(resolve => setTimeout(resolve, 1000))
    expect(smtp.to(leaving).map(mail => mail.subject)).not.toContain('Abendglanz is live now')
    expect(smtp.to(leaving).map(mail => mail.subject)).toContain('Confirm your reminder for Abendglanz')
  }, 60_000)

  it('mails one address at most three confirmations a day, however many shows and requests at once', async () => {
    const victim = 'victim@example.com'
    const shows = await Promise.all(Array.from({ length: 6 }, (_, i) => show({ title: `Show ${i}` })))
    const answers = await Promise.all(shows.map(({ id }) => remind(id, victim)))
    expect(answers.map(answer => answer.status)).toEqual(Array(6).fill(202))
    await smtp.waitFor(mail => mail.to === victim, 3)
    await new Promise(resolve => setTimeout(resolve, 2000))
    expect(smtp.to(victim)).toHaveLength(3)
  })

  it('refuses what is not an address, an ended show and an unknown one, and answers 404 without SMTP', async () => {
    const { id } = await show()
    expect((await remind(id, 'not-an-address')).status).toBe(400)
    expect((await api(`/api/livestreams/${id}/reminders`, { base: base(), body: { email: 'a@example.com', extra: { $gt: '' } } })).status).toBe(202)
    expect((await remind('ffffffffffffffffffffffff', 'a@example.com')).status).toBe(404)
    await start(id)
    await api(`/api/livestreams/${id}/stop`, { base: base(), method: 'POST', token })
    expect((await remind(id, 'late@example.com')).status).toBe(409)
    expect((await api(`/api/reminders/${'f'.repeat(24)}?token=abc`, { base: base() })).status).toBe(404)
    const plain = await startServer({ NUXT_MONGODB_URI: '' })
    try {
      const login = await api('/api/auth/login', { base: plain.baseURL, body: { email: plain.env.NUXT_ADMIN_EMAIL, password: plain.env.NUXT_ADMIN_PASSWORD } })
      const created = await api('/api/livestreams', { base: plain.baseURL, token: login.body.token, body: { title: 'No mail here', quality: '480p' } })
      const answer = await api(`/api/livestreams/${created.body.livestream.id}/reminders`, { base: plain.baseURL, body: { email: 'a@example.com' } })
      expect(answer.status).toBe(404)
      expect(answer.body.message).toMatch(/NUXT_SMTP_URL/)
    }
    finally {
      await plain.stop()
    }
  })
})
