// The little of the HTTP API the fan-out peers answer for the benchmark's clients: a guest token
// (`POST /api/auth/guest`) and, for anything else, an empty list (the launcher's readiness probe).
import { randomBytes } from 'node:crypto'

export function answerStubApi(request, response) {
  if (request.method === 'POST' && request.url === '/api/auth/guest') {
    response.writeHead(201, { 'content-type': 'application/json' })
    return response.end(JSON.stringify({ token: randomBytes(12).toString('hex') }))
  }
  response.writeHead(200, { 'content-type': 'application/json' })
  response.end('{"items":[]}')
}
