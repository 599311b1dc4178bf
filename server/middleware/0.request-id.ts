import { getHeader, setResponseHeader } from 'h3'
import { requestIdOf } from '../utils/request-context'

// Every answer says which request it was (`X-Request-Id`), and every log line the request causes
// carries the same id (plugins/0.logs.ts), so a customer's "it failed at 14:02" finds its lines.
export default defineEventHandler((event) => {
  event.context.startedAt = performance.now()
  event.context.requestId = requestIdOf(getHeader(event, 'x-request-id'))
  setResponseHeader(event, 'X-Request-Id', event.context.requestId as string)
})
