import { ClientMessage, type ServerMessage } from '#shared/schemas/socket'
import { DomainError } from '../domain/errors'

export const frame = (message: ServerMessage) => JSON.stringify(message)

/** The `type` a frame claims, even when the rest of it is wrong: echoed as `ref` in a refusal. */
export function claimedType(raw: unknown): string | undefined {
  const type = (raw as { type?: unknown } | null)?.type
  return typeof type === 'string' ? type : undefined
}

/** One client frame, parsed with the shared schema; a refusal (`BAD_MESSAGE`) says what is wrong. */
export function parseClientFrame(text: string): { raw: unknown, message?: ClientMessage, problem?: DomainError } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  }
  catch {
    return { raw, problem: new DomainError('invalid', 'not JSON') }
  }
  const parsed = ClientMessage.safeParse(raw)
  if (parsed.success) return { raw, message: parsed.data }
  const issues = parsed.error.issues.map(issue => `${issue.path.join('.') || 'frame'}: ${issue.message}`).join('; ')
  return { raw, problem: new DomainError('invalid', issues) }
}
