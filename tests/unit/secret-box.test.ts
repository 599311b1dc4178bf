// Stream keys sealed at rest: what is sealed opens with the same secret only, and a changed byte is refused.
import { describe, expect, it } from 'vitest'
import { seal, unseal } from '../../server/utils/secret-box'

describe('the secret box', () => {
  it('opens what it sealed with the same secret, and nothing else', () => {
    const sealed = seal('live_1234-abcd', 'server secret')
    expect(sealed).not.toContain('live_1234')
    expect(seal('live_1234-abcd', 'server secret')).not.toBe(sealed)
    expect(unseal(sealed, 'server secret')).toBe('live_1234-abcd')
    expect(unseal(sealed, 'another secret')).toBeNull()
    const [iv, tag, body] = sealed.split('.')
    const flipped = Buffer.from(body!, 'base64url')
    flipped[0] = flipped[0]! ^ 1
    expect(unseal([iv, tag, flipped.toString('base64url')].join('.'), 'server secret')).toBeNull()
    expect(unseal('not sealed', 'server secret')).toBeNull()
  })
})
