// A keep-alive HTTP client for load: Node's fetch opens too many sockets under thousands of requests a second.
import http from 'node:http'

const agent = new http.Agent({ keepAlive: true, maxSockets: 128 })

/** POSTs JSON; answers { status, body } (body parsed when JSON). */
export function postJson(url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body)
    const request = http.request(url, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
    }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk) => {
        text += chunk
      })
      response.on('end', () => {
        let parsed = text
        try {
          parsed = JSON.parse(text)
        }
        catch {
          // not JSON: kept as text
        }
        resolve({ status: response.statusCode, body: parsed })
      })
    })
    request.once('error', reject)
    request.end(payload)
  })
}
