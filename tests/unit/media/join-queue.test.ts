// Viewers take turns to set up their connections (server/media/relay/join-queue.ts).
import { describe, expect, it } from 'vitest'
import { JoinQueue } from '../../../server/media/relay/join-queue'

describe('join queue', () => {
  it('lets so many set up at once, the next when one is done, and tells one that waited too long to come back', async () => {
    const queue = new JoinQueue(2, 200)
    const first = await queue.turn()
    const second = await queue.turn()
    let thirdGot = false
    const third = queue.turn().then((done) => {
      thirdGot = true
      return done
    })
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(thirdGot).toBe(false)
    first()
    // Giving a turn back twice frees one place, not two.
    first()
    const done = await third
    expect(thirdGot).toBe(true)
    await expect(queue.turn()).rejects.toMatchObject({ code: 'unavailable' })
    second()
    done()
    const later = await queue.turn()
    later()
  })
})
