// A keep-alive HTTP client for load: Node's fetch opens too many sockets under thousands of requests a
// second; and the bare handler every HTTP figure is measured against in the same run.
import { writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { round } from './stats.mjs'

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

/** autocannon against `url` for `duration` seconds; resolves with its result. */
export function load(url, { connections = 50, duration = 10, ...extra } = {}) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration, ...extra }, (error, result) => error ? reject(error) : resolve(result))
  })
}

/** The figures kept of an autocannon result. */
export const figures = result => ({
  requestsPerSecond: round(result.requests.average),
  latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  ok: result['2xx'], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
})

/**
 * The bare handler of our own build (server/routes/__bench): a route that answers a file's JSON
 * with no routing, validation or store, the ceiling of requests per second for this process. The
 * server must start with `env` in its environment; `prepare(server, readUrl)` then fills the file
 * with what `readUrl` answers, and answers the bare handler's URL.
 */
export function bareHandler() {
  const file = join(tmpdir(), `wrencos-bench-bare-${process.pid}-${Math.random().toString(36).slice(2)}.json`)
  return {
    env: { WRENCOS_BENCH_BARE_JSON: file },
    async prepare(server, readUrl) {
      const json = await (await fetch(readUrl)).text()
      writeFileSync(file, json)
      const url = `${server.base}/__bench/livestream`
      if ((await (await fetch(url)).text()) !== json) throw new Error('the bare handler must answer the same JSON')
      return url
    },
  }
}
