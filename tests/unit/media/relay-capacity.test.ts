// What the relay lets in (server/media/relay/capacity.ts), on loads of the test's choosing: the
// measured cost of a viewer, the viewers still connecting, an egress budget, and the pressure past
// which viewers are held below the top layer.
import type { RtpPacket } from 'werift'
import { afterEach, describe, expect, it } from 'vitest'
import { Show } from '../../../server/media/common/show'
import { RelayCapacity, type CapacityBudget } from '../../../server/media/relay/capacity'

const made: RelayCapacity[] = []
afterEach(() => {
  for (const capacity of made.splice(0)) capacity.close()
})

/** A capacity whose thread load is `state.load`, with `state.viewers` watching. */
function capacity(budget: CapacityBudget, state: { load: number, viewers: number, joining?: number }) {
  const one = new RelayCapacity(budget, () => ({ connected: state.viewers, joining: state.joining ?? 0 }), () => {}, { readLoad: () => state.load, readLag: () => 0 })
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

  it('prices a viewer only from readings with nobody joining: the first ten\'s handshakes are not what each of them costs', () => {
    const state = { load: 0.05, viewers: 0, joining: 0 }
    const relay = capacity({ maxLoad: 0.7 }, state)
    relay.sample()
    // Ten connected while more join: the thread reads 0.6, but a viewer keeps its prior cost (1/150).
    Object.assign(state, { load: 0.6, viewers: 10, joining: 5 })
    for (let i = 0; i < 3; i++) relay.sample()
    expect(relay.perViewer()).toBeCloseTo(1 / 150, 4)
    // Settled: the ten cost 0.1 over the idle 0.05, 0.01 each.
    Object.assign(state, { load: 0.15, viewers: 10, joining: 0 })
    for (let i = 0; i < 4; i++) relay.sample()
    expect(relay.perViewer()).toBeCloseTo(0.01, 3)
  })

  it('prices a viewer by the load that lasts while others keep joining, never dearer than the prior for it', () => {
    const state = { load: 0.1, viewers: 0, joining: 0 }
    const relay = capacity({ maxLoad: 0.7 }, state)
    for (let i = 0; i < 6; i++) relay.sample()
    // The first ten alone for a moment, their cached pictures just sent: 0.01 each.
    Object.assign(state, { load: 0.2, viewers: 10, joining: 0 })
    relay.sample()
    expect(relay.perViewer()).toBeCloseTo(0.01, 3)
    // Then ten more every half-second: sixty connected hold the thread at 0.45, 0.0058 each.
    Object.assign(state, { load: 0.45, viewers: 60, joining: 10 })
    for (let i = 0; i < 4; i++) relay.sample()
    expect(relay.perViewer()).toBeCloseTo(0.35 / 60, 4)
    expect(relay.room(70, 1_000_000, 0)).toBeGreaterThan(20)
    // Only joins to go by (a thread busy with the first handshakes): the prior, not 0.05 each.
    const joined = capacity({ maxLoad: 0.7 }, { load: 0.6, viewers: 10, joining: 5 })
    for (let i = 0; i < 6; i++) joined.sample()
    expect(joined.perViewer()).toBeCloseTo(1 / 150, 4)
  })

  it('prices a viewer no dearer than the load that lasts says: one busy reading after a batch connected is not its cost', () => {
    const state = { load: 0.03, viewers: 0 }
    const relay = capacity({ maxLoad: 0.7 }, state)
    relay.sample()
    // Twenty just connected, their cached pictures sent: one reading at 0.5, then 0.1.
    Object.assign(state, { load: 0.5, viewers: 20 })
    relay.sample()
    state.load = 0.1
    for (let i = 0; i < 4; i++) relay.sample()
    // 0.07 over the idle load for twenty: 0.0035 each, not the 0.0235 of the busy reading.
    expect(relay.perViewer()).toBeCloseTo(0.0035, 4)
    expect(relay.room(20, 1_000_000, 0)).toBeGreaterThan(100)
  })

  it('takes the load as read now when it is more than its model says: a busier machine makes each viewer dearer', () => {
    const state = { load: 0.2, viewers: 40 }
    const relay = capacity({ maxLoad: 0.7 }, state)
    relay.sample()
    for (let i = 0; i < 14; i++) relay.sample()
    // Forty cost 0.2 with no idle load: 0.005 each, room for 100 more (99 in floating point).
    expect(relay.room(40, 1_000_000, 0)).toBeGreaterThanOrEqual(99)
    // A hundred now read 0.65: the model (its cost still the forty's) says 0.5 and room
    // for 40; the thread says 0.65 and room for 10.
    Object.assign(state, { load: 0.65, viewers: 100 })
    for (let i = 0; i < 6; i++) relay.sample()
    const room = relay.room(100, 1_000_000, 0)
    expect(room).toBeGreaterThanOrEqual(9)
    expect(room).toBeLessThanOrEqual(10)
    // Ten of them still connecting count too.
    expect(relay.room(110, 1_000_000, 0)).toBe(0)
  })

  it('reads its idle load over several readings: one busy half-second does not refuse the first viewer', () => {
    const state = { load: 0.05, viewers: 0 }
    const relay = capacity({ maxLoad: 0.7 }, state)
    for (let i = 0; i < 5; i++) relay.sample()
    state.load = 0.69
    relay.sample()
    expect(relay.room(0, 1_000_000, 0)).toBeGreaterThan(50)
  })

  it('keeps all viewers together within an egress budget, counting those still connecting', () => {
    const relay = capacity({ maxLoad: 0.7, maxEgressBps: 4_000_000 }, { load: 0.05, viewers: 0 })
    relay.sample()
    expect(relay.room(0, 1_000_000, 0)).toBe(4)
    expect(relay.room(3, 1_000_000, 0)).toBe(1)
    // What is measured going out counts when it is more than the viewers' share says.
    expect(relay.room(1, 1_000_000, 3_500_000)).toBe(0)
  })

  it('budgets a viewer by the dearest second of the last few: the room an egress budget has says the same from one second to the next', () => {
    const relay = capacity({ maxLoad: 0.7, maxEgressBps: 4_000_000 }, { load: 0.05, viewers: 0 })
    relay.sample()
    let clock = 0
    const show = new Show('show-b', () => {}, () => clock)
    /** One second of a source at `bitsPerSecond`, in packets of 1,000 bytes (the header's 12 included). */
    const second = (bitsPerSecond: number) => {
      const packets = bitsPerSecond / 8 / 1000
      for (let packet = 0; packet < packets; packet++) {
        clock += 1000 / packets
        show.receive('single', { header: { ssrc: 7 }, payload: Buffer.alloc(988) } as unknown as RtpPacket, packet === 0)
      }
    }
    // A key frame every other second: 1.2 Mbit/s, then 0.8.
    second(1_200_000)
    second(800_000)
    const rooms: number[] = []
    const roomsBySmoothed: number[] = []
    for (let at = 0; at < 8; at++) {
      second(at % 2 ? 800_000 : 1_200_000)
      rooms.push(relay.room(0, show.viewerBitrate(), 0))
      roomsBySmoothed.push(Math.floor(4_000_000 / show.sources.get('single')!.bitrate))
    }
    // The smoothed bitrate alone would have said 3, then 4, then 3...
    expect(new Set(roomsBySmoothed)).toEqual(new Set([3, 4]))
    expect(rooms).toEqual(Array.from({ length: 8 }, () => 3))
    show.close()
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
    const layer = (source: string, bitrate: number) => ({ source, ssrc: bitrate, bitrate, readings: [], lastAt: Date.now(), bytesThisSecond: 0, secondStartedAt: Date.now() })
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

/**
 * The thread busy past its 0.7 budget now (smoothed 0.74), after quiet readings: its model (a
 * viewer's cost, the load that lasted) still has room, so only late packets can refuse.
 */
function busyNow(relay: RelayCapacity, state: { load?: number }) {
  state.load = 0.1
  for (let i = 0; i < 4; i++) relay.sample()
  state.load = 0.95
  relay.sample()
  relay.sample()
}

describe('relay capacity, behind its packets', () => {
  /** A capacity on a clock of the test's, with `state.viewers` watching its thread `state.load` busy, recording every let-go it asks for. */
  function behind(state: { viewers: number, now: number, load?: number }) {
    const letGo: number[] = []
    const letGoAt: number[] = []
    const one = new RelayCapacity({ maxLoad: 0.7 }, () => ({ connected: state.viewers, joining: 0 }), (count) => {
      letGo.push(count)
      letGoAt.push(state.now)
    }, { readLoad: () => state.load ?? 0.9, now: () => state.now })
    made.push(one)
    one.sample()
    /** Packets arriving every 10 ms for `ms`, each having waited `lag`. */
    const packets = (ms: number, lag: number) => {
      for (const end = state.now + ms; state.now < end; state.now += 10) one.noteLag(lag)
    }
    return { relay: one, letGo, letGoAt, packets }
  }

  it('takes nobody for a second once its packets keep waiting past a GC pause, and again after; a burst of late ones changes nothing', () => {
    const state = { viewers: 10, now: 0, load: 0.1 }
    const { relay, letGo, packets } = behind(state)
    busyNow(relay, state)
    packets(500, 20)
    expect(relay.room(10, 1_000_000, 0)).toBeGreaterThan(0)
    // A burst of joins held the thread: 400 ms of packets 200 ms late.
    packets(400, 200)
    packets(10, 20)
    expect(relay.room(10, 1_000_000, 0)).toBeGreaterThan(0)
    // A queue: every packet 200 ms late for longer.
    packets(510, 200)
    expect(relay.room(10, 1_000_000, 0)).toBe(0)
    packets(900, 30)
    expect(relay.room(10, 1_000_000, 0)).toBe(0)
    packets(400, 30)
    expect(relay.room(10, 1_000_000, 0)).toBeGreaterThan(0)
    // Never 400 ms behind, nobody is let go.
    expect(letGo).toEqual([])
  })

  it('refuses nobody for late packets while its thread is not busy: the rest of the machine kept them waiting, not viewers', () => {
    const state = { viewers: 0, now: 0, load: 0.05 }
    const { relay, packets } = behind(state)
    packets(1000, 300)
    expect(relay.room(0, 1_000_000, 0)).toBeGreaterThan(0)
    expect(relay.room(7, 1_000_000, 0)).toBeGreaterThan(0)
    // Busy past its budget (its model, from the quiet readings before, still has room), the next
    // waits until the packets are on time again.
    busyNow(relay, state)
    packets(1000, 300)
    expect(relay.room(7, 1_000_000, 0)).toBe(0)
  })

  it('takes no more viewers than it kept at its last let-go for 30 s, then one more every 2 s', () => {
    const state = { viewers: 100, now: 0, load: 0.9 }
    const { relay, letGo, letGoAt, packets } = behind(state)
    packets(2500, 800)
    expect(letGo).toEqual([20])
    const wentAt = letGoAt[0]!
    state.viewers = 80
    // Caught up, and the thread reads idle enough for many more by its model: still none past 80.
    state.load = 0.2
    for (let i = 0; i < 30; i++) relay.sample()
    packets(2000, 5)
    expect(relay.room(79, 1_000_000, 0)).toBe(1)
    expect(relay.room(80, 1_000_000, 0)).toBe(0)
    packets(wentAt + 29_900 - state.now, 5)
    expect(relay.room(80, 1_000_000, 0)).toBe(0)
    // 30 s after the let-go, one more each 2 s.
    packets(wentAt + 34_100 - state.now, 5)
    expect(relay.room(80, 1_000_000, 0)).toBe(2)
  })

  it('lets nobody go when its thread is not busy: behind for want of the CPU, not for its viewers', () => {
    const state = { viewers: 7, now: 0, load: 0.3 }
    const { relay, letGo, packets } = behind(state)
    packets(3000, 900)
    expect(letGo).toEqual([])
    // Nor turns the next away: a viewer more costs a thread waiting for its turns little.
    expect(relay.room(7, 1_000_000, 0)).toBeGreaterThan(0)
  })

  it('lets viewers go only when it stays behind, more the further behind, then gives the queue time to drain', () => {
    const state = { viewers: 100, now: 0 }
    const { relay, letGo, packets } = behind(state)
    // A burst: 1.5 s of packets 1 s late, then on time.
    packets(1500, 1000)
    packets(600, 100)
    expect(letGo).toEqual([])
    // Behind by 800 ms for 2 s: 20 % of 100 go.
    packets(2500, 800)
    expect(letGo).toEqual([20])
    // While the queue from before drains, nobody new comes in.
    expect(relay.room(80, 1_000_000, 0)).toBe(0)
    // Still behind while the queue drains: what was queued before they went does not count, what
    // was queued after does, once it lasts 2 s: then 10 % of those left (500 ms behind).
    state.viewers = 80
    packets(2400, 500)
    expect(letGo).toEqual([20])
    packets(500, 500)
    expect(letGo).toEqual([20, 10])
    // Far behind: at most half at once.
    state.viewers = 70
    packets(12_100, 10_000)
    expect(letGo).toEqual([20, 10, 35])
  })
})
