import type { H3Event } from 'h3'
import { formatLine, type LogContext, type LogFormat, type LogLevel } from './log-line'
import { requestLogContext } from './request-context'

let format: LogFormat = 'pretty'

/** Set once at start (plugins/0.logs.ts). */
export function setLogFormat(chosen: LogFormat) {
  format = chosen
}

export const logFormat = () => format

/** Writes one line, for `event`'s request (its id and user) when given. */
export function writeLog(level: LogLevel, args: unknown[], from?: H3Event | LogContext) {
  const stream = level === 'warn' || level === 'error' ? process.stderr : process.stdout
  const context = from && !('node' in from) ? from : requestLogContext(from)
  stream.write(`${formatLine(format, level, args, context)}\n`)
}
