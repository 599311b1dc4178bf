// Benchmark 5: a large recording sent both ways the API takes it: one multipart upload, and
// MediaRecorder-style chunks followed by finalize (which rewrites the whole file to make it
// seekable). Reports throughput and how much the server's memory grows: nothing may be held whole.
//   node bench/upload.mjs [--mib=1024] [--chunkMib=16] [--quick]
import http from 'node:http'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { ROOT, adminToken, liveShow, startServer, watchRss } from './lib/server.mjs'
import { mb, options, printTable, round, saveResults, sleep } from './lib/stats.mjs'

const opts = options({ mib: 1024, chunkMib: 16 })
const totalBytes = (opts.quick ? 32 : opts.mib) * 1024 * 1024
const chunkBytes = (opts.quick ? 4 : opts.chunkMib) * 1024 * 1024

// Real MediaRecorder output, repeated: each copy is a recorder run the finalize step joins on.
const FIXTURE = join(ROOT, 'tests/fixtures/recording')
const recording = Buffer.concat(readdirSync(FIXTURE).filter(name => name.endsWith('.webm')).sort().map(name => readFileSync(join(FIXTURE, name))))
/** `size` bytes of whole recordings (a chunk starts with a header, as a recorder run does). */
function recordedBytes(size) {
  const copies = Math.max(1, Math.floor(size / recording.length))
  return Buffer.concat(Array.from({ length: copies }, () => recording))
}

/** Streams `total` bytes through `request`, a megabyte at a time, with backpressure. */
async function streamBody(request, head, total, tail) {
  const piece = recordedBytes(1024 * 1024)
  request.write(head)
  for (let sent = 0; sent < total;) {
    const size = Math.min(piece.length, total - sent)
    if (!request.write(size === piece.length ? piece : piece.subarray(0, size))) await new Promise(resolve => request.once('drain', resolve))
    sent += size
  }
  request.end(tail)
}

function send(url, { method, headers, head = Buffer.alloc(0), total, tail = Buffer.alloc(0), body }) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers }, (response) => {
      let text = ''
      response.on('data', (data) => {
        text += data
      })
      response.on('end', () => resolve({ status: response.statusCode, text }))
    })
    request.once('error', reject)
    if (body) request.end(body)
    else void streamBody(request, head, total, tail)
  })
}

async function measure(server, action) {
  await sleep(500)
  const before = server.rssBytes()
  const rss = watchRss(server.pid)
  const started = performance.now()
  const outcome = await action()
  const seconds = (performance.now() - started) / 1000
  return { outcome, seconds, rssBeforeMB: mb(before), rssPeakMB: mb(rss.stop()), rssGrowthMB: mb(rss.peak() - before) }
}

const server = await startServer()
try {
  const token = await adminToken(server.base)
  const auth = { authorization: `Bearer ${token}` }

  // 1. One multipart upload of the whole file.
  const multipartShow = await liveShow(server.base, token, 'Multipart upload')
  const boundary = `----wrencos${Date.now()}`
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="livestreamId"\r\n\r\n${multipartShow}\r\n`
    + `--${boundary}\r\nContent-Disposition: form-data; name="video"; filename="show.webm"\r\nContent-Type: video/webm\r\n\r\n`)
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const multipart = await measure(server, () => send(`${server.base}/api/uploads/livestream-video`, {
    method: 'POST', total: totalBytes, head, tail,
    headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + totalBytes + tail.length },
  }))
  if (multipart.outcome.status !== 201) throw new Error(`multipart upload: ${multipart.outcome.status} ${multipart.outcome.text}`)

  // 2. The same size as recording chunks, then finalize.
  const chunkShow = await liveShow(server.base, token, 'Chunked recording')
  const chunk = recordedBytes(chunkBytes)
  const chunkCount = Math.ceil(totalBytes / chunk.length)
  const chunks = await measure(server, async () => {
    for (let seq = 0; seq < chunkCount; seq++) {
      const answer = await send(`${server.base}/api/livestreams/${chunkShow}/recording/${seq}`, { method: 'PUT', headers: { ...auth, 'content-type': 'video/webm' }, body: chunk })
      if (answer.status !== 204) throw new Error(`chunk ${seq}: ${answer.status} ${answer.text}`)
    }
  })
  const json = { ...auth, 'content-type': 'application/json' }
  const stopped = await send(`${server.base}/api/livestreams/${chunkShow}/stop`, { method: 'POST', headers: json, body: '{}' })
  if (stopped.status !== 200) throw new Error(`stop: ${stopped.status} ${stopped.text}`)
  const finalize = await measure(server, () => send(`${server.base}/api/livestreams/${chunkShow}/recording/finalize`, { method: 'POST', headers: json, body: '{}' }))
  if (finalize.outcome.status !== 200) throw new Error(`finalize: ${finalize.outcome.status} ${finalize.outcome.text}`)
  const chunkTotal = chunkCount * chunk.length

  const row = (name, bytes, run) => ({ 'step': name, 'MiB': round(bytes / 1024 / 1024), 'seconds': round(run.seconds, 2), 'MiB/s': round(bytes / 1024 / 1024 / run.seconds), 'RSS before MB': run.rssBeforeMB, 'RSS peak MB': run.rssPeakMB, 'RSS growth MB': run.rssGrowthMB })
  const rows = [row('multipart upload', totalBytes, multipart), row(`${chunkCount} chunks of ${round(chunk.length / 1024 / 1024)} MiB`, chunkTotal, chunks), row('finalize (seekable rewrite)', chunkTotal, finalize)]
  printTable('Upload', rows)
  saveResults('upload', opts.quick, { rows })
  if (rows.some(entry => entry['RSS growth MB'] >= 64)) process.exitCode = 1
}
finally {
  await server.stop()
}
