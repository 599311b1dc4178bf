import { describe, expect, it } from 'vitest'
import { parseWebhookUrls, redactedUrl } from '../../server/domain/webhooks'

describe('webhook receivers (NUXT_WEBHOOK_URLS)', () => {
  it('takes plain http(s) URLs and names every other entry as a problem, without its secrets', () => {
    const { urls, problems } = parseWebhookUrls(['https://hooks.example.com/wrencos?team=7', 'http://user:pw@hooks.example.com/x', 'ftp://files.example.com/', 'not a url'])
    expect(urls).toEqual(['https://hooks.example.com/wrencos?team=7'])
    expect(problems).toEqual([
      'http://***@hooks.example.com/x carries credentials: remove them, receivers check X-WrenCos-Signature',
      'ftp://files.example.com/ is not an http(s) URL',
      '"not a url" is not a URL',
    ])
    expect(problems.join(' ')).not.toContain('pw')
  })

  it('shows a receiver without credentials or query', () => {
    expect(redactedUrl('https://hooks.example.com/in?token=s3cret')).toBe('https://hooks.example.com/in?***')
    expect(redactedUrl('https://a:b@hooks.example.com/in')).toBe('https://***@hooks.example.com/in')
    expect(redactedUrl('https://hooks.example.com:8443/in')).toBe('https://hooks.example.com:8443/in')
  })
})
