import { logFormat, writeLog } from '../utils/log'

// A visitor's mistake (an unknown show, a bad request, a limit) is one short line in the log, not
// a stack trace, and at most LINES_PER_SECOND of them: a crawler walking dead links or a storm of
// 429s must not flood the log. Server errors keep their stack (Nitro logs those itself).
const LINES_PER_SECOND = 20

export default defineNitroPlugin((nitroApp) => {
  let second = 0
  let lines = 0
  let dropped = 0
  nitroApp.hooks.hook('error', (error, { event }) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500
    // JSON logs have an access line per request, with the refusal's reason (plugins/0.logs.ts).
    if (status >= 500 || !event || logFormat() === 'json') return
    const now = Math.floor(Date.now() / 1000)
    if (now !== second) {
      if (dropped) console.info(`[request] ... and ${dropped} more client errors in that second`)
      second = now
      lines = 0
      dropped = 0
    }
    if (++lines > LINES_PER_SECOND) {
      dropped++
      return
    }
    // Its event given: an error answer is sent outside the request's async context.
    writeLog('info', [`[request] ${status} ${event.method} ${event.path.split('?')[0]}: ${error.message}`], event)
  })
})
