// One log line: JSON for a log system in production (NUXT_LOG_FORMAT=json, the default there), a
// readable line in dev; and what may never appear in either, taken out before it is written.
import { formatWithOptions } from 'node:util'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFormat = 'json' | 'pretty'

/** What the request being served adds to each line it causes. */
export interface LogContext { requestId?: string, userId?: string }

/**
 * Secrets and personal data a line could carry (a URL with a token, an error that quotes a header,
 * an email in a message), masked: JWTs and bearer tokens, stream keys, `token=`/`ticket=`/`key=`
 * values, passwords, credentials in URLs, and every email but its first letter and its domain.
 */
const MASKS: Array<[RegExp, string]> = [
  [/eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]+/g, '[jwt]'],
  [/\b(Bearer)\s+[\w.~+/=-]+/gi, '$1 [token]'],
  [/\bwcs_[\w-]+/g, 'wcs_[key]'],
  [/([?&;\s"']?(?:token|ticket|key|secret|password|pass|sig|signature)["']?\s*[=:]\s*["']?)[^\s&"',;}]+/gi, '$1***'],
  [/(\b[a-z][\w+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, '$1***@'],
  [/\b([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)/g, '$1***@$2'],
]

export function redact(text: string): string {
  return MASKS.reduce((masked, [pattern, replacement]) => masked.replace(pattern, replacement), text)
}

/** console's arguments as one message (what console itself would print), and the first error among them. */
export function messageOf(args: unknown[]): { msg: string, error?: Error } {
  const error = args.find((arg): arg is Error => arg instanceof Error)
  const rest = args.filter(arg => arg !== error)
  const msg = formatWithOptions({ colors: false, depth: 4, breakLength: Infinity }, ...rest)
  return { msg: error && !msg ? error.message : msg, error }
}

export function formatLine(format: LogFormat, level: LogLevel, args: unknown[], context: LogContext, now = new Date()): string {
  const { msg, error } = messageOf(args)
  if (format === 'pretty') {
    const where = context.requestId ? ` (${context.requestId}${context.userId ? ` user ${context.userId}` : ''})` : ''
    return redact(`${now.toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg}${error ? ` ${error.stack ?? error.message}` : ''}${where}`)
  }
  return redact(JSON.stringify({
    time: now.toISOString(),
    level,
    msg,
    ...(context.requestId ? { requestId: context.requestId } : {}),
    ...(context.userId ? { userId: context.userId } : {}),
    ...(error ? { error: { name: error.name, message: error.message, stack: error.stack } } : {}),
  }))
}
