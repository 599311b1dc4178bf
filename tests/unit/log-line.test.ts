// What a log line may never carry, and what it always does (server/utils/log-line.ts).
import { describe, expect, it } from 'vitest'
import { formatLine, redact } from '../../server/utils/log-line'

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJlLXBhcnQtaGVyZQ'

describe('log lines', () => {
  it('mask tokens, stream keys, passwords, credentials in URLs and emails, wherever they appear', () => {
    const text = redact([
      `Authorization: Bearer ${jwt}`,
      `ws://host/_ws?token=${jwt}&x=1`,
      '/api/reminders/abc/unsubscribe?token=Zm9vYmFyYmF6cXV4',
      'publishing with wcs_AbC-123_def456 now',
      '{"email":"ada.lovelace@example.com","password":"hunter22"}',
      'smtp://mailer:s3cret@smtp.example.com:587',
      'ticket=abcdef123456',
    ].join('\n'))
    for (const secret of [jwt, 'Zm9vYmFyYmF6cXV4', 'wcs_AbC-123_def456', 'ada.lovelace@', 'hunter22', 's3cret', 'abcdef123456']) expect(text).not.toContain(secret)
    expect(text).toContain('a***@example.com')
    expect(text).toContain('smtp://***@smtp.example.com:587')
  })

  it('are one JSON object with time, level, message, request and user, and the error\'s stack', () => {
    const error = new Error('boom for bob@example.com')
    const line = formatLine('json', 'error', ['[mail] could not send', error], { requestId: 'req-12345678', userId: 'u1' }, new Date('2026-12-05T10:00:00.000Z'))
    expect(line).not.toContain('\n')
    const parsed = JSON.parse(line)
    expect(parsed).toMatchObject({ time: '2026-12-05T10:00:00.000Z', level: 'error', msg: '[mail] could not send', requestId: 'req-12345678', userId: 'u1' })
    expect(parsed.error.message).toBe('boom for b***@example.com')
    expect(parsed.error.stack).toContain('log-line.test.ts')
    expect(formatLine('pretty', 'info', ['ready'], {}, new Date('2026-12-05T10:00:00.000Z'))).toBe('10:00:00.000 INFO  ready')
  })
})
