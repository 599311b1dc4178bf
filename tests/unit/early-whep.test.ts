import { describe, expect, it } from 'vitest'
import { earlyWhepScript } from '../../utils/early-whep'

describe('the early WHEP script of a live page', () => {
  it('carries its values as JSON that cannot end the <script> it sits in, and only the page\'s own globals', () => {
    const script = earlyWhepScript('/api/livestreams/abc/whep', [{ urls: 'turn:turn.example.com', username: '</script><script>alert(1)</script>', credential: 'x' }])
    expect(script).not.toMatch(/<\/script/i)
    expect(script).toContain('"/api/livestreams/abc/whep"')
    expect(script).toContain('\\u003c/script>')
    // It is a function called at once, with nothing of the app's modules in it.
    expect(script).toMatch(/^\(function \w+\(url, iceServers, key\) \{/)
    expect(script).not.toMatch(/\brequire\(|\bimport\b/)
  })
})
