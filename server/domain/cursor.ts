import type { ListCursor } from '../db'
import { DomainError } from './errors'

/** An opaque page cursor: the sort key of the last item seen, base64url-encoded. */
export function encodeCursor(item: ListCursor): string {
  return Buffer.from(JSON.stringify([item.createdAt, item.id])).toString('base64url')
}

export function decodeCursor(cursor: string): ListCursor {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[]
    if (typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt)) && typeof id === 'string' && /^[0-9a-f]{24}$/.test(id)) {
      return { createdAt, id }
    }
  }
  catch {
    // fall through to the refusal below
  }
  throw new DomainError('invalid', 'invalid cursor')
}
