import type { H3Event } from 'h3'
import { writeLog } from './log'

/** How long one cause of a 5xx is logged once: a client that can trigger it cannot flood the log. */
const QUIET_MS = 60_000
/** Causes remembered at most; the oldest are forgotten first. */
const MAX_CAUSES = 500

interface Seen { loggedAt: number, repeats: number }

/**
 * Logs a failure behind a 5xx answer once per cause per minute: the first time with its stack,
 * later ones only as a count on the next line about that cause. A cause is the error's kind, its
 * message and where it was thrown, not the request, so a thousand requests hitting one bug are one line.
 */
export function createServerErrorLog(write: (line: string, error: unknown, event?: H3Event) => void = (line, error, event) => writeLog('error', [line, error], event), now = Date.now, what = 'server error') {
  const seen = new Map<string, Seen>()
  return (where: string, error: unknown, event?: H3Event) => {
    const failure = error instanceof Error ? error : new Error(String(error))
    const frame = failure.stack?.split('\n').find(line => line.trim().startsWith('at ')) ?? ''
    const cause = `${failure.name}: ${failure.message.slice(0, 200)} ${frame.trim()}`
    const time = now()
    const known = seen.get(cause)
    if (known && time - known.loggedAt < QUIET_MS) {
      known.repeats++
      return
    }
    seen.delete(cause)
    if (seen.size >= MAX_CAUSES) seen.delete(seen.keys().next().value!)
    seen.set(cause, { loggedAt: time, repeats: 0 })
    const repeats = known?.repeats ? ` (${known.repeats} more time${known.repeats === 1 ? '' : 's'} in the minute before, not logged)` : ''
    write(`[request] ${what} at ${where}${repeats}`, failure, event)
  }
}

/** The process's log of server errors. */
export const logServerError = createServerErrorLog()

/**
 * The process's log of 503s the core meant (a full show, a media server away): the same once per
 * cause per minute, as a warning with the reason and no stack, since nothing failed.
 */
export const logRefusal = createServerErrorLog((line, error, event) => writeLog('warn', [`${line}: ${(error as Error).message}`], event), Date.now, 'refused')
