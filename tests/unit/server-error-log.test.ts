import { describe, expect, it } from 'vitest'
import { createServerErrorLog } from '../../server/utils/server-error-log'

describe('the log of server errors', () => {
  it('writes one cause once a minute, then says how often it came back', () => {
    const lines: string[] = []
    let now = 0
    const log = createServerErrorLog(line => lines.push(line), () => now)
    const fail = () => new TypeError('a bug')
    for (let i = 0; i < 200; i++) log('PATCH /api/x', fail())
    log('GET /api/y', new RangeError('another bug'))
    expect(lines).toEqual(['[request] server error at PATCH /api/x', '[request] server error at GET /api/y'])
    now = 61_000
    log('PATCH /api/x', fail())
    expect(lines.at(-1)).toBe('[request] server error at PATCH /api/x (199 more times in the minute before, not logged)')
  })
})
