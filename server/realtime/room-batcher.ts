import type { Clock, Timer } from '../utils/clock'
import type { Connection } from './connection'
import { textFrame } from './ws-frame'

/**
 * How long room-wide frames wait to be sent together. Measured on 10,000 sockets (bench/README.md):
 * 10 ms gave a lower p99 than 50 or 100, whose bigger bursts take longer to drain.
 */
export const BATCH_TICK_MS = 10

/**
 * Room-wide frames (chat, counters, pins) for a crowd: each is serialized once, framed once as a
 * WebSocket text frame, and the frames of one tick are written to every socket of the room as one
 * shared buffer, in one write each. Sending 20 chat lines a second to 10,000 sockets is then
 * 200,000 writes of bytes already made, not 200,000 encodings and framings. Every frame stays a
 * message of its own on the wire, exactly as PROTOCOL.md has it.
 */
export class RoomBatcher {
  private readonly pending = new Map<string, string[]>()
  private timer: Timer | undefined

  constructor(private readonly membersOf: (room: string) => Iterable<Connection> | undefined, private readonly clock: Clock) {}

  queue(room: string, frame: string) {
    const frames = this.pending.get(room)
    if (frames) frames.push(frame)
    else this.pending.set(room, [frame])
    this.timer ??= this.clock.after(BATCH_TICK_MS, () => this.flush())
  }

  /** Sends everything waiting now (also at shutdown, so nothing queued is lost). */
  flush() {
    this.timer?.cancel()
    this.timer = undefined
    for (const [room, frames] of this.pending) {
      const members = this.membersOf(room)
      if (!members) continue
      let wire: Buffer | undefined
      for (const connection of members) {
        // Where the raw socket is not reachable (another runtime), each frame goes the usual way.
        if (connection.sendFrames) wire ??= Buffer.concat(frames.map(textFrame))
        if (!connection.sendFrames?.(wire!)) for (const frame of frames) connection.send(frame)
      }
    }
    this.pending.clear()
  }
}
