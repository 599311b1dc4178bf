// What the relay lets in (server/media/relay/capacity.ts), on loads of the test's choosing: the
// measured cost of a viewer, the viewers still connecting, an egress budget, and the pressure past
// which viewers are held below the top layer.
import { afterEach, describe, expect, it } from 'vitest'
import { Show } from '../../../server/media/common/show'
import { RelayCapacity, type CapacityBudget } from '../../../server/media/relay/capacity'

const made: RelayCapacity[] = []
afterEach(() => {
  for (const capacity of made.splice(0)) capacity.close()
})

/** A capacity whose thread load is `state.load`, with `state.viewers` watching. */
function capacity(budget: CapacityBudget, state: { load: number, viewers: number }) {
  const one = new RelayCapacity(budget, () => state.viewers, () => state.load)
  made.push(one)
  return one
}

/** Enough readings of the same load for the smoothed one to reach it. */
function settle(relay: RelayCapacity) {
  for (let i = 0; i < 30; i++) relay.sample()
}

describe('relay capacity', () => {
  it('takes viewers while the thread has time, by what a viewer was measured to cost', () => {
    const state = { load: 0.05, viewers: 0 }
    const relay = capacity({ maxLoad: 0.7 }, state)
    relay.sample()
    // Nobody watching: a viewer's cost is the prior one (1/150 of the thread).
    expect(relay.room(0, 1_000_000, 0)).toBe(97)
    // Twenty watching cost 0.4 of the thread over its idle 0.05: 0.02 each, room for 12 more.
    Object.assign(state, { load: 0.45, viewers: 20 })
    settle(relay)
    expect(relay.perViewer()).toBeCloseTo(0.02, 2)
    expect(relay.room(20, 1_000_000, 0)).toBe(12)
    // Five more still connecting (not measured yet) count already: parallel offers cannot pass together.
    expect(relay.room(25, 1_000_000, 0)).toBe(7)
    // A burst of joins (their handshakes run on the thread) is not what a viewer costs for good.
    Object.assign(state, { load: 0.9, viewers: 25 })
    relay.sample()
    relay.sample()
    expect(relay.perViewer()).toBeCloseTo(0.02, 2)
    expect(relay.room(25, 1_000_000, 0)).toBe(7)
    // A thread saturated right now takes nobody, whatever a viewer costs.
    state.load = 1
    relay.sample()
    relay.sample()
    relay.sample()
    expect(relay.room(25, 1_000_000, 0)).toBe(0)
    // At the budget, nobody more.
    Object.assign(state, { load: 0.72, viewers: 20 })
    settle(relay)
    expect(relay.room(20, 1_000_000, 0)).toBe(0)
  })

  it('keeps all viewers together within an egress budget, counting those still connecting', () => {
    const relay = capacity({ maxLoad: 0.7, maxEgressBps: 4_000_000 }, { load: 0.05, viewers: 0 })
    relay.sample()
    expect(relay.room(0, 1_000_000, 0)).toBe(4)
    expect(relay.room(3, 1_000_000, 0)).toBe(1)
    // What is measured going out counts when it is more than the viewers' share says.
    expect(relay.room(1, 1_000_000, 3_500_000)).toBe(0)
  })

  it('holds viewers below the top layer under pressure, never a show with one layer', () => {
    const state = { load: 0.5, viewers: 40 }
    const relay = capacity({ maxLoad: 0.7 }, state)
    relay.sample()
    expect(relay.underPressure).toBe(false)
    state.load = 0.95
    settle(relay)
    expect(relay.underPressure).toBe(true)

    const show = new Show('show-p', () => {})
    show.underPressure = () => relay.underPressure
    const layer = (source: string, bitrate: number) => ({ source, ssrc: bitrate, bitrate, lastAt: Date.now(), bytesThisSecond: 0, secondStartedAt: Date.now() })
    show.sources.set('h', layer('h', 2_500_000))
    expect(show.viewableVideo().map(one => one.source)).toEqual(['h'])
    show.sources.set('l', layer('l', 300_000))
    show.sources.set('m', layer('m', 900_000))
    expect(show.viewableVideo().map(one => one.source)).toEqual(['l', 'm'])
    state.load = 0.2
    settle(relay)
    expect(show.viewableVideo().map(one => one.source)).toEqual(['l', 'm', 'h'])
    show.close()
  })
})
