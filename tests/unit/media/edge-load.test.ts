// An edge's load as one process sees it (server/media/janus/edge-load.ts): the edge's own count
// at the last poll, and the joins this process sent it that the poll could not have seen.
import { describe, expect, it } from 'vitest'
import { EdgeLoad } from '../../../server/media/janus/edge-load'

describe('edge load', () => {
  it('keeps a join that was still being set up when the poll was asked, though the answer came after it', () => {
    const load = new EdgeLoad()
    const answer = load.asking()
    // Another process's viewer is on the edge; ours is picked, and set up, while the poll is out.
    const join = load.join()
    expect(load.value(0)).toBe(1)
    join.landed()
    answer(1)
    expect(load.value(1)).toBe(2)
    // The next poll, asked after it landed, holds it: counted once.
    load.asking()(2)
    expect(load.value(1)).toBe(2)
  })

  it('keeps a join still being set up when the poll is answered', () => {
    const load = new EdgeLoad()
    const join = load.join()
    load.asking()(0)
    expect(load.value(0)).toBe(1)
    join.landed()
    load.asking()(1)
    expect(load.value(1)).toBe(1)
  })

  it('forgets a join that never got there, and everything when the edge is lost', () => {
    const load = new EdgeLoad()
    load.asking()(3)
    const failed = load.join()
    const kept = load.join()
    expect(load.value(0)).toBe(5)
    failed.dropped()
    failed.dropped()
    expect(load.value(0)).toBe(4)
    kept.landed()
    load.reset()
    expect(load.value(0)).toBe(0)
    expect(load.reported).toBe(0)
  })

  it('is never below this process\'s own viewers, whatever the edge last said', () => {
    const load = new EdgeLoad()
    load.asking()(0)
    expect(load.value(3)).toBe(3)
  })
})
