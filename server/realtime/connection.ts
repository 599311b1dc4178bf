import { randomBytes } from 'node:crypto'
import type { AuthUser } from '../utils/jwt'

/** One socket as the hub sees it, whatever runtime carries it (crossws in the app, a fake in tests). */
export interface Connection {
  /** Handed out by the server: the viewerId / customerId that signaling addresses. */
  readonly id: string
  readonly user: AuthUser | null
  /** Where the socket came from (behind trusted proxies, the client's address) and its browser's device id. */
  readonly address?: string
  readonly deviceId?: string
  send(text: string): void
  /**
   * Writes ready-made WebSocket frames straight to the socket, for room-wide traffic; false where
   * that is not possible (the hub then uses `send`).
   */
  sendFrames?: (frames: Buffer) => boolean
  close(code: number, reason: string): void
  room?: string
  role?: 'broadcaster' | 'viewer'
  webrtcReady: boolean
  /** Frames of one socket are handled one after another, in order. */
  queue: Promise<void>
}

export const newConnectionId = () => randomBytes(9).toString('base64url')

/** A Connection for a socket that has just opened. */
export function openConnection(parts: Pick<Connection, 'user' | 'send' | 'close'> & Partial<Pick<Connection, 'sendFrames' | 'address' | 'deviceId'>>): Connection {
  return { id: newConnectionId(), ...parts, webrtcReady: false, queue: Promise.resolve() }
}
