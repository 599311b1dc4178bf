import type { ServerMessage } from '#shared/schemas/socket'
import { isStaff } from '../domain/moderation'
import type { Clock } from '../utils/clock'
import type { Bus, Envelope } from './bus'
import { frame } from './frames'
import { RoomBatcher } from './room-batcher'
import type { Rooms } from './rooms'

export type Target = Omit<Envelope, 'room' | 'frame'>

/**
 * Room traffic out: a frame is published once on the bus (so every process serving the room gets
 * it) and delivered here to this process's members, batched per tick when it is for everyone.
 */
export class Fanout {
  private readonly batcher: RoomBatcher

  constructor(private readonly bus: Bus, private readonly rooms: Rooms, clock: Clock) {
    this.batcher = new RoomBatcher(room => rooms.membersOf(room), clock)
    bus.onEnvelope(envelope => this.deliver(envelope))
  }

  publish(room: string, message: ServerMessage, target: Target = {}) {
    this.bus.publish({ room, frame: frame(message), ...target }).catch(error => console.error('[hub] publish failed', error))
  }

  /** Hands a frame from the bus to this process's sockets in the room. */
  private deliver(envelope: Envelope) {
    const members = this.rooms.membersOf(envelope.room)
    if (!members) return
    const { to, toBroadcaster, except, demote, audience } = envelope
    // Room-wide traffic is batched per tick; what is for some sockets (signaling, demotion, moderators) goes now.
    if (!to && !toBroadcaster && !except && !demote && !audience) return this.batcher.queue(envelope.room, envelope.frame)
    for (const connection of [...members]) {
      if (to && connection.id !== to) continue
      if (toBroadcaster && connection.role !== 'broadcaster') continue
      if (except && connection.id === except) continue
      if (audience && (audience === 'staff') !== isStaff(connection.user?.role)) continue
      connection.send(envelope.frame)
      if (demote) this.rooms.demote(connection)
    }
  }

  /** Sends whatever is batched now (at shutdown). */
  flush() {
    this.batcher.flush()
  }
}
