import type { ErrorCode, ServerMessage } from '#shared/schemas/socket'
import { DomainError, type DomainErrorCode } from '../domain/errors'

/** The socket code of each of the core's refusals: the HTTP twin is server/utils/errors.ts. */
const SOCKET_CODE: Record<DomainErrorCode, ErrorCode> = {
  invalid: 'BAD_MESSAGE',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  too_large: 'BAD_MESSAGE',
  unsupported: 'BAD_MESSAGE',
  rate_limited: 'RATE_LIMITED',
  // Nothing on the socket waits for capacity today; a full show is a state the client cannot change now.
  unavailable: 'CONFLICT',
}

/** The `error` frame for a refused message: the core's refusals by their code; anything else is a bug, logged. */
export function refusalFrame(error: unknown, ref?: string): ServerMessage {
  let code: ErrorCode = 'BAD_MESSAGE'
  let message = 'the server could not handle this message'
  if (error instanceof DomainError) {
    code = SOCKET_CODE[error.code]
    message = error.message
  }
  else {
    console.error('[hub] failed to handle a frame', error)
  }
  return { type: 'error', code, message, ...(ref ? { ref } : {}) }
}
