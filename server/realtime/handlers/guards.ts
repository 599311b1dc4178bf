import { DomainError } from '../../domain/errors'
import type { AuthUser } from '../../utils/jwt'
import type { Connection } from '../connection'

export function requireUser(connection: Connection, doing = 'chat'): AuthUser {
  if (!connection.user) throw new DomainError('unauthorized', `sign in to ${doing}`)
  return connection.user
}

export function requireRoom(connection: Connection): string {
  if (!connection.room) throw new DomainError('forbidden', 'register in a livestream first')
  return connection.room
}

export function requireBroadcasterOf(connection: Connection, livestreamId: string) {
  if (connection.role !== 'broadcaster' || connection.room !== livestreamId) {
    throw new DomainError('forbidden', 'only this stream\'s studio can do that')
  }
}
