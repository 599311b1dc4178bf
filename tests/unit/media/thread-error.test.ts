import { describe, expect, it } from 'vitest'
import { MediaError } from '../../../server/media/backend'
import { fromThreadError, toThreadError } from '../../../server/media/relay/rpc'

// An error crossing between the relay's threads (structured clone keeps no class): the core's
// refusals must arrive as MediaError with their code, so a bad offer is still a 400, not a 500.
describe('errors between the relay\'s threads', () => {
  it('keeps a refusal a refusal, with its code and words', () => {
    const crossed = structuredClone(toThreadError(new MediaError('conflict', 'another publisher is sending this show')))
    const again = fromThreadError(crossed)
    expect(again).toBeInstanceOf(MediaError)
    expect(again).toMatchObject({ code: 'conflict', message: 'another publisher is sending this show' })
  })

  it('makes anything else a plain error, whatever code it carried', () => {
    const failure = Object.assign(new Error('socket closed'), { code: 'ECONNRESET' })
    const again = fromThreadError(structuredClone(toThreadError(failure)))
    expect(again).not.toBeInstanceOf(MediaError)
    expect(again.message).toBe('socket closed')
    expect(fromThreadError(toThreadError('thrown text')).message).toBe('thrown text')
  })
})
