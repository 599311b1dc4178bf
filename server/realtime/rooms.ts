import type { Bus } from './bus'
import type { Connection } from './connection'

/**
 * Who is in which room on this process. A process listens to a room's traffic on the bus while
 * it has members there: from the first one in to the last one out.
 */
export class Rooms {
  private readonly members = new Map<string, Set<Connection>>()

  constructor(private readonly bus: Bus) {}

  membersOf(room: string): Set<Connection> | undefined {
    return this.members.get(room)
  }

  get size() {
    return this.members.size
  }

  async add(connection: Connection, room: string, role: NonNullable<Connection['role']>) {
    connection.room = room
    connection.role = role
    let members = this.members.get(room)
    if (!members) {
      members = new Set()
      this.members.set(room, members)
      await this.bus.subscribe(room)
    }
    members.add(connection)
  }

  /** Takes `connection` out of its room; answers where it was, or null if it was in none. */
  async remove(connection: Connection): Promise<{ room: string, role: Connection['role'] } | null> {
    const { room, role } = connection
    if (!room) return null
    this.clear(connection)
    const members = this.members.get(room)
    members?.delete(connection)
    if (members && !members.size) {
      this.members.delete(room)
      await this.bus.unsubscribe(room)
    }
    return { room, role }
  }

  /** A studio another one replaced: out of the room, without touching anyone's presence. */
  demote(connection: Connection) {
    if (!connection.room) return
    this.members.get(connection.room)?.delete(connection)
    this.clear(connection)
  }

  private clear(connection: Connection) {
    connection.room = undefined
    connection.role = undefined
    connection.webrtcReady = false
  }
}
