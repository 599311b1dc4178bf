import type { H3Event } from 'h3'
import type { LogLevel } from '../utils/log-line'
import { logFormat, setLogFormat, writeLog } from '../utils/log'

// Every line the server writes goes through utils/log.ts (console itself is replaced, so the app's
// lines and its libraries' alike): one JSON object per line in production (NUXT_LOG_FORMAT=json,
// the default there) with the time, level, message, and the request id and user id of the request
// that caused it; a readable line in dev (NUXT_LOG_FORMAT=pretty, the default there). Secrets and
// emails are masked in both (log-line.ts). In JSON mode each answered request is one line too.
const LEVELS: Record<'debug' | 'log' | 'info' | 'warn' | 'error', LogLevel> = { debug: 'debug', log: 'info', info: 'info', warn: 'warn', error: 'error' }

/**
 * The access line: the path without its query (a query may carry a token), the status, how long it
 * took, and for a refusal its reason: one line per request, a visitor's mistake included.
 */
function accessLine(event: H3Event, status: number, reason?: string) {
  const started = event.context.startedAt as number | undefined
  const took = started === undefined ? '' : ` ${Math.round(performance.now() - started)} ms`
  writeLog(status >= 500 ? 'error' : 'info', [`${event.method} ${event.path.split('?')[0]} ${status}${took}${reason ? `: ${reason}` : ''}`], event)
}

export default defineNitroPlugin((nitroApp) => {
  const asked = String(useRuntimeConfig().logFormat || '')
  setLogFormat(asked === 'json' || asked === 'pretty' ? asked : import.meta.dev ? 'pretty' : 'json')
  for (const [method, level] of Object.entries(LEVELS) as [keyof typeof LEVELS, LogLevel][]) {
    console[method] = (...args: unknown[]) => writeLog(level, args)
  }
  if (logFormat() !== 'json') return
  nitroApp.hooks.hook('afterResponse', event => accessLine(event, event.node.res.statusCode))
  // An error answer never reaches afterResponse.
  nitroApp.hooks.hook('error', (error, { event }) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500
    if (event) accessLine(event, status, status < 500 ? error.message : undefined)
  })
})
