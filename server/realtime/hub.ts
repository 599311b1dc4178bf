// The room hub: the sockets of this process, what each may do in its room, and the delivery of
// room traffic. It parses a frame, hands it to its message's handler (handlers/), and turns a
// refusal into an `error` frame. Every change goes through the core; what the core announces is
// published once on the Bus and reaches every process serving the room (room-events.ts).
import type { ClientMessage } from '#shared/schemas/socket'
import type { Core } from '../domain/core'
import type { Bus } from './bus'
import type { Connection } from './connection'
import type { HubContext } from './context'
import { Fanout } from './fanout'
import { claimedType, frame, parseClientFrame } from './frames'
import { HANDLERS } from './handlers'
import type { MessageHandler } from './handlers/types'
import { leaveRoom } from './membership'
import { refusalFrame } from './refusals'
import { wireRoomEvents } from './room-events'
import { Rooms } from './rooms'
import { createViewerCounts } from './viewer-counts'

export class RoomHub {
  readonly bus: Bus
  private readonly ctx: HubContext
  private readonly connections = new Set<Connection>()
  private readonly roomEvents: ReturnType<typeof wireRoomEvents>

  constructor({ core, bus }: { core: Core, bus: Bus }) {
    this.bus = bus
    const rooms = new Rooms(bus)
    const fanout = new Fanout(bus, rooms, core.clock)
    this.ctx = { core, bus, rooms, fanout, viewerCounts: createViewerCounts(core, bus.presence) }
    this.roomEvents = wireRoomEvents(core, fanout, bus.presence)
  }

  /** Sockets open on this process, and the rooms they are in. */
  get stats() {
    return { sockets: this.connections.size, rooms: this.ctx.rooms.size }
  }

  /** A socket opened: it may register in a room from now on. */
  connect(connection: Connection) {
    this.connections.add(connection)
  }

  /** One frame from a socket, handled after the ones it sent before. */
  receive(connection: Connection, text: string) {
    connection.queue = connection.queue.then(() => this.handleFrame(connection, text))
  }

  private async handleFrame(connection: Connection, text: string) {
    const { raw, message, problem } = parseClientFrame(text)
    try {
      if (problem) throw problem
      await (HANDLERS[message!.type] as MessageHandler<ClientMessage['type']>)(this.ctx, connection, message!)
    }
    catch (error) {
      connection.send(frame(refusalFrame(error, claimedType(raw))))
    }
  }

  /** A socket closed: out of its room, once the frames it sent before closing are handled. */
  disconnect(connection: Connection) {
    this.connections.delete(connection)
    connection.queue = connection.queue.then(() => leaveRoom(this.ctx, connection)).catch(error => console.error('[hub] leave failed', error))
  }

  closeAll(code: number, reason: string) {
    for (const connection of this.connections) connection.close(code, reason)
  }

  /**
   * Closes every socket with 1001 (going away) and waits for everything under way: each socket's
   * frames, its leaving, the stored viewer counts and the last counter frames.
   */
  async shutdown() {
    const connections = [...this.connections]
    this.ctx.fanout.flush()
    this.closeAll(1001, 'server shutting down')
    await Promise.allSettled(connections.map(connection => connection.queue))
    await Promise.allSettled(connections.map(connection => leaveRoom(this.ctx, connection)))
    await this.ctx.viewerCounts.flush()
    await this.roomEvents.flush()
    this.roomEvents.detach()
    this.ctx.fanout.flush()
  }
}
