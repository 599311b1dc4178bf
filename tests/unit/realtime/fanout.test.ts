import { describe, expect, it } from 'vitest'
import { createMemoryBus } from '../../../server/realtime/bus'
import { openConnection, type Connection } from '../../../server/realtime/connection'
import { Fanout } from '../../../server/realtime/fanout'
import { BATCH_TICK_MS } from '../../../server/realtime/room-batcher'
import { Rooms } from '../../../server/realtime/rooms'
import { textFrame } from '../../../server/realtime/ws-frame'
import { manualClock } from '../../support/manual-clock'

function setUp() {
  const clock = manualClock()
  const bus = createMemoryBus()
  const rooms = new Rooms(bus)
  const fanout = new Fanout(bus, rooms, clock)
  const socket = (options: { raw?: boolean } = {}) => {
    const texts: string[] = []
    const writes: Buffer[] = []
    const connection: Connection = openConnection({
      user: null,
      send: text => void texts.push(text),
      close: () => {},
      ...(options.raw ? { sendFrames: (frames: Buffer) => writes.push(frames) > 0 } : {}),
    })
    return Object.assign(connection, { texts, writes })
  }
  return { clock, bus, rooms, fanout, socket }
}

const settle = () => new Promise(resolve => setImmediate(resolve))

describe('fan-out', () => {
  it('writes the room-wide frames of one tick to each raw socket as one buffer, each frame its own message', async () => {
    const { clock, rooms, fanout, socket } = setUp()
    const raw = socket({ raw: true })
    const plain = socket()
    await rooms.add(raw, 'r1', 'viewer')
    await rooms.add(plain, 'r1', 'viewer')
    fanout.publish('r1', { type: 'pong' })
    fanout.publish('r1', { type: 'stream_stopped', livestreamId: 'r1' })
    await settle()
    expect(raw.writes).toHaveLength(0)
    clock.advance(BATCH_TICK_MS)
    expect(raw.writes).toEqual([Buffer.concat([textFrame('{"type":"pong"}'), textFrame('{"type":"stream_stopped","livestreamId":"r1"}')])])
    expect(plain.texts).toEqual(['{"type":"pong"}', '{"type":"stream_stopped","livestreamId":"r1"}'])
  })

  it('sends what is for one socket at once, and only to it; a demotion takes it out of the room', async () => {
    const { rooms, fanout, socket } = setUp()
    const studio = socket()
    const viewer = socket()
    await rooms.add(studio, 'r1', 'broadcaster')
    await rooms.add(viewer, 'r1', 'viewer')
    fanout.publish('r1', { type: 'viewer_left', customerId: 'x' }, { toBroadcaster: true })
    fanout.publish('r1', { type: 'pong' }, { to: viewer.id })
    await settle()
    expect(studio.texts).toEqual(['{"type":"viewer_left","customerId":"x"}'])
    expect(viewer.texts).toEqual(['{"type":"pong"}'])
    fanout.publish('r1', { type: 'admin_replaced', livestreamId: 'r1' }, { to: studio.id, demote: true })
    await settle()
    expect(studio.room).toBeUndefined()
    expect(rooms.membersOf('r1')).toEqual(new Set([viewer]))
  })

  it('drops what is queued for a room nobody here is in, and flushes the rest at shutdown', async () => {
    const { clock, rooms, fanout, socket } = setUp()
    const viewer = socket()
    await rooms.add(viewer, 'r1', 'viewer')
    fanout.publish('r1', { type: 'pong' })
    fanout.publish('r2', { type: 'pong' })
    await settle()
    fanout.flush()
    expect(viewer.texts).toEqual(['{"type":"pong"}'])
    expect(clock.pending()).toBe(0)
  })
})
