import type { Connection } from './connection'
import type { HubContext } from './context'

/** Puts a socket in a room (out of any other first); a viewer counts in the room's presence, with its page's session id. */
export async function joinRoom(ctx: HubContext, connection: Connection, room: string, role: NonNullable<Connection['role']>, sessionId?: string) {
  await leaveRoom(ctx, connection)
  await ctx.rooms.add(connection, room, role)
  if (role !== 'viewer') return
  await ctx.bus.presence.join(room, connection.id, sessionId)
  ctx.viewerCounts.changed(room)
}

/** Takes a socket out of its room: presence, the viewer count, and `viewer_left` to the studio. */
export async function leaveRoom(ctx: HubContext, connection: Connection) {
  const left = await ctx.rooms.remove(connection)
  if (!left) return
  const { room, role } = left
  if (role === 'broadcaster') {
    await ctx.bus.presence.clearBroadcaster(room, connection.id)
    return
  }
  await ctx.bus.presence.leave(room, connection.id)
  ctx.viewerCounts.changed(room)
  ctx.fanout.publish(room, { type: 'viewer_left', customerId: connection.id }, { toBroadcaster: true })
}
