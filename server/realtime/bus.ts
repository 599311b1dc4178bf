// The Bus carries room traffic between server processes, and keeps who is where (presence). In
// one process it is a few maps; with NUXT_REDIS_URL it is Redis pub/sub and hashes (redis-bus.ts),
// so several processes behind a load balancer serve one room together.
import { randomBytes } from 'node:crypto'
import { memorySlots, type SlotStore } from '../domain/slots'

/** A frame for (part of) a room, serialized once by the process that publishes it. */
export interface Envelope {
  room: string
  frame: string
  /** Only this connection (a viewer id or the broadcaster's id). */
  to?: string
  /** Only the room's broadcaster. */
  toBroadcaster?: boolean
  /** Everyone but this connection. */
  except?: string
  /** The recipient (`to`) stops being its room's studio: another one took over. */
  demote?: boolean
  /** Only the room's admins and moderators (`staff`), or everyone else (`public`). */
  audience?: 'staff' | 'public'
}

export interface Presence {
  /** Adds a viewer (and the session id its page keeps) to a room; answers how many viewers the room has now, across processes. */
  join(room: string, connectionId: string, sessionId?: string): Promise<number>
  leave(room: string, connectionId: string): Promise<number>
  count(room: string): Promise<number>
  isMember(room: string, connectionId: string): Promise<boolean>
  /** The session ids of the viewers in a room now, across processes (those waiting when a show starts count as its viewers). */
  sessions(room: string): Promise<string[]>
  /** Makes `connectionId` the room's broadcaster; answers the one it replaced, if any. */
  setBroadcaster(room: string, connectionId: string): Promise<string | null>
  /** Clears the broadcaster only if it is still `connectionId`. */
  clearBroadcaster(room: string, connectionId: string): Promise<void>
  broadcaster(room: string): Promise<string | null>
}

export interface Bus {
  readonly kind: 'memory' | 'redis'
  readonly processId: string
  readonly presence: Presence
  /** Counted places shared by every process (sockets and WHEP sessions per address), taken atomically. */
  readonly slots: SlotStore
  /** Called for every envelope of a room this process has joined, its own included. */
  onEnvelope(handler: (envelope: Envelope) => void): void
  publish(envelope: Envelope): Promise<void>
  /** Answers when the bus does (for /readyz). */
  ping(): Promise<void>
  /** Start or stop receiving a room's envelopes (first local member in, last one out). */
  subscribe(room: string): Promise<void>
  unsubscribe(room: string): Promise<void>
  close(): Promise<void>
}

export const newProcessId = () => `${process.pid}-${randomBytes(4).toString('hex')}`

/** The bus of a single process: delivery is a function call. */
export function createMemoryBus(): Bus {
  const handlers: ((envelope: Envelope) => void)[] = []
  const members = new Map<string, Map<string, string | undefined>>()
  const broadcasters = new Map<string, string>()
  const roomOf = (room: string) => members.get(room) ?? members.set(room, new Map()).get(room)!

  return {
    kind: 'memory',
    processId: newProcessId(),
    presence: {
      async join(room, id, sessionId) {
        return roomOf(room).set(id, sessionId).size
      },
      async leave(room, id) {
        const set = roomOf(room)
        set.delete(id)
        if (!set.size) members.delete(room)
        return set.size
      },
      async count(room) {
        return members.get(room)?.size ?? 0
      },
      async isMember(room, id) {
        return members.get(room)?.has(id) ?? false
      },
      async sessions(room) {
        return [...new Set([...members.get(room)?.values() ?? []].filter(id => id !== undefined))]
      },
      async setBroadcaster(room, id) {
        const previous = broadcasters.get(room) ?? null
        broadcasters.set(room, id)
        return previous === id ? null : previous
      },
      async clearBroadcaster(room, id) {
        if (broadcasters.get(room) === id) broadcasters.delete(room)
      },
      async broadcaster(room) {
        return broadcasters.get(room) ?? null
      },
    },
    slots: memorySlots(),
    onEnvelope(handler) {
      handlers.push(handler)
    },
    async publish(envelope) {
      for (const handler of handlers) handler(envelope)
    },
    async ping() {},
    async subscribe() {},
    async unsubscribe() {},
    async close() {},
  }
}
