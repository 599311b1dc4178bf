// Room receivers in worker threads: the load generator's own event loop must not be what makes
// deliveries late. Each worker opens its share of sockets, registers them in the room, and
// records, for every chat line a socket receives, the time since it was sent.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { performance } from 'node:perf_hooks'
import { closeAll, openSockets, register } from './sockets.mjs'

/** Wall-clock milliseconds with sub-millisecond resolution, the same in every thread. */
export const now = () => performance.timeOrigin + performance.now()

// Ours, `{"type":"chat_message"`: byte 9 is 'c', byte 14 'm' (chat_history has 'h' there);
// Socket.IO's, `42["chat_message"`: byte 9 'm'.
const isChatLine = {
  'wrencos': data => data[9] === 0x63 && data[14] === 0x6D,
  'socket.io': data => data[0] === 0x34 && data[9] === 0x6D,
}
const MARK = Buffer.from('"message":"bench ')

/** Starts `workers` threads holding `count` sockets between them; resolves once all are registered. */
export async function startReceivers({ bases, count, livestreamId, workers = 2, capacity, dialect = 'wrencos' }) {
  const threads = Array.from({ length: workers }, (_, index) => {
    const share = Math.floor(count / workers) + (index < count % workers ? 1 : 0)
    const worker = new Worker(new URL(import.meta.url), { workerData: { bases, count: share, offset: index, livestreamId, capacity: Math.ceil(capacity / workers), dialect } })
    const ready = new Promise((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    return { worker, ready }
  })
  await Promise.all(threads.map(thread => thread.ready))
  return {
    /** Stops counting; answers every latency recorded and the number of lines delivered. */
    async finish() {
      const results = await Promise.all(threads.map(({ worker }) => new Promise((resolve) => {
        worker.once('message', resolve)
        worker.postMessage('finish')
      })))
      await Promise.all(threads.map(({ worker }) => worker.terminate()))
      return {
        delivered: results.reduce((sum, result) => sum + result.delivered, 0),
        latencies: results.flatMap(result => Array.from(result.latencies)),
      }
    },
    delivered: () => Promise.all(threads.map(({ worker }) => new Promise((resolve) => {
      worker.once('message', resolve)
      worker.postMessage('count')
    }))).then(counts => counts.reduce((sum, value) => sum + value, 0)),
  }
}

if (!isMainThread) {
  const { bases, count, offset, livestreamId, capacity, dialect } = workerData
  const chatLine = isChatLine[dialect]
  const latencies = new Float64Array(capacity)
  let delivered = 0
  const sockets = await openSockets(bases[0], count, {
    parallel: 100, dialect,
    baseFor: index => bases[(index * 2 + offset) % bases.length],
    onOpen: ws => register(ws, livestreamId, `bench-${offset}-${Math.random().toString(36).slice(2)}`),
  })
  for (const ws of sockets) {
    ws.on('message', (data) => {
      if (!chatLine(data)) return
      const at = data.indexOf(MARK)
      if (at < 0) return
      const start = at + MARK.length
      const sentAt = Number(data.toString('latin1', data.indexOf(0x20, start) + 1, data.indexOf(0x22, start)))
      if (delivered < latencies.length) latencies[delivered] = now() - sentAt
      delivered++
    })
  }
  parentPort.postMessage('ready')
  parentPort.on('message', (message) => {
    if (message === 'count') return parentPort.postMessage(delivered)
    closeAll(sockets)
    parentPort.postMessage({ delivered, latencies: latencies.subarray(0, Math.min(delivered, latencies.length)) })
  })
}
