// Benchmark 1 (and 6 with --processes=2): N sockets registered in one room, chat arriving at R
// lines a second from several senders; how long each line takes to reach every socket, whether
// any is lost, and what the server spends in CPU and memory.
// With one process, each size is measured again against two peers in the same run: a bare `ws`
// server that writes one pre-framed buffer to every socket (bench/peers/bare-ws.mjs, the floor),
// and a Socket.IO server broadcasting to a room (bench/peers/socket-io.mjs, what most Node teams
// would build).
//   node bench/fanout.mjs [--sizes=1000,5000,10000] [--rate=20] [--seconds=10] [--processes=1|2] [--quick]
import { measureChat } from './lib/chat-load.mjs'
import { startPeer } from './lib/peer-server.mjs'
import { adminToken, liveShow, startServer } from './lib/server.mjs'
import { kb, mb, options, printTable, round, saveResults, sleep } from './lib/stats.mjs'

const opts = options({ sizes: '1000,5000,10000', rate: 20, seconds: 10, processes: 1, workers: 2, redis: 'redis://127.0.0.1:6379/8' })
const sizes = opts.quick ? [200] : opts.sizes.split(',').map(Number)
const seconds = opts.quick ? 2 : opts.seconds

/** One or two servers; with two, they share the data directory and a Redis bus. */
async function startServers(processes) {
  if (processes === 1) return [await startServer()]
  const first = await startServer({ env: { NUXT_REDIS_URL: opts.redis } })
  const second = await startServer({ env: { NUXT_REDIS_URL: opts.redis, NUXT_JWT_SECRET: first.env.NUXT_JWT_SECRET }, dataDir: first.dataDir })
  return [second, first] // the first owns the data directory: stopped last
}

async function run(count) {
  const servers = await startServers(opts.processes)
  const [main] = servers
  try {
    const livestreamId = await liveShow(main.base, await adminToken(main.base))
    await sleep(500)
    const rssBefore = servers.map(server => server.rssBytes())

    // Receivers: anonymous viewers spread over the servers, as a load balancer would, held by
    // worker threads so that reading them does not hold up the senders.
    let rssIdle
    const chat = await measureChat({
      servers, livestreamId, count, rate: opts.rate, seconds, workers: opts.workers,
      onIdle: () => (rssIdle = servers.map(server => server.rssBytes())),
    })
    const rssAfter = servers.map(server => server.rssBytes())
    const { connectSeconds, sent, refused, delivered, latency } = chat
    const cpu = chat.cpuPercent
    const sum = values => values.reduce((total, value) => total + value, 0)
    return {
      sockets: count, processes: servers.length, rate: opts.rate, seconds,
      connectAndRegisterSeconds: round(connectSeconds, 2),
      registersPerSecond: Math.round(count / connectSeconds),
      latencyMs: { p50: round(latency.p50), p99: round(latency.p99), max: round(latency.max) },
      linesSent: sent, linesRefused: refused,
      delivered, expected: (sent - refused) * count, lost: (sent - refused) * count - delivered,
      serverCpuPercent: cpu.map(value => round(value)),
      serverRssMB: { before: rssBefore.map(mb), idleWithSockets: rssIdle.map(mb), afterChat: rssAfter.map(mb) },
      rssPerIdleSocketKB: kb((sum(rssIdle) - sum(rssBefore)) / count),
    }
  }
  finally {
    for (const server of servers) await server.stop()
  }
}

const PEERS = { 'bare ws': ['bare-ws'], 'Socket.IO': ['socket-io', { dialect: 'socket.io' }] }

/** The same sockets, rate and receivers against a peer. */
async function runPeer(name, count) {
  const peer = await startPeer(...PEERS[name])
  try {
    const chat = await measureChat({ servers: [peer], livestreamId: 'peer-show', count, rate: opts.rate, seconds, workers: opts.workers })
    return {
      peer: name, sockets: count,
      latencyMs: { p50: round(chat.latency.p50), p99: round(chat.latency.p99), max: round(chat.latency.max) },
      serverCpuPercent: round(chat.cpuPercent[0]), delivered: chat.delivered, expected: chat.expected, lost: chat.lost,
    }
  }
  finally {
    await peer.stop()
  }
}

const runs = []
for (const size of sizes) {
  console.log(`fan-out: ${size} sockets, ${opts.processes} process(es), ${opts.rate} lines/s for ${seconds} s`)
  const ours = await run(size)
  if (opts.processes === 1) {
    console.log(`fan-out peer (bare ws): ${size} sockets`)
    const bare = await runPeer('bare ws', size)
    console.log(`fan-out peer (Socket.IO): ${size} sockets`)
    const socketIo = await runPeer('Socket.IO', size)
    const ratio = (ourValue, theirs) => round(ourValue / theirs, 2)
    ours.peers = {
      bare, socketIo,
      p99VsBare: ratio(ours.latencyMs.p99, bare.latencyMs.p99), cpuVsBare: ratio(ours.serverCpuPercent[0], bare.serverCpuPercent),
      p99VsSocketIo: ratio(ours.latencyMs.p99, socketIo.latencyMs.p99), cpuVsSocketIo: ratio(ours.serverCpuPercent[0], socketIo.serverCpuPercent),
    }
  }
  runs.push(ours)
}
printTable(`Room fan-out (${opts.processes} process${opts.processes > 1 ? 'es with Redis' : ''})`, runs.map(run => ({
  'sockets': run.sockets,
  'connect+register s': run.connectAndRegisterSeconds,
  'p50 ms': run.latencyMs.p50,
  'p99 ms': run.latencyMs.p99,
  'max ms': run.latencyMs.max,
  'delivered/expected': `${run.delivered}/${run.expected}`,
  'server CPU %': run.serverCpuPercent.join(' + '),
  'RSS idle MB': run.serverRssMB.idleWithSockets.join(' + '),
  'KB/socket': run.rssPerIdleSocketKB,
})))
if (opts.processes === 1) {
  printTable('The same against the peers: the bare ws floor and Socket.IO', runs.map(run => ({
    'sockets': run.sockets,
    'bare p50 / p99 ms': `${run.peers.bare.latencyMs.p50} / ${run.peers.bare.latencyMs.p99}`,
    'bare CPU %': run.peers.bare.serverCpuPercent,
    'bare lost': run.peers.bare.lost,
    'Socket.IO p50 / p99 ms': `${run.peers.socketIo.latencyMs.p50} / ${run.peers.socketIo.latencyMs.p99}`,
    'Socket.IO CPU %': run.peers.socketIo.serverCpuPercent,
    'Socket.IO lost': run.peers.socketIo.lost,
    'p99 ours / bare': run.peers.p99VsBare,
    'CPU ours / bare': run.peers.cpuVsBare,
    'p99 ours / Socket.IO': run.peers.p99VsSocketIo,
    'CPU ours / Socket.IO': run.peers.cpuVsSocketIo,
  })))
}
saveResults(opts.processes > 1 ? 'fanout-redis' : 'fanout', opts.quick, { runs })
// Its own check is on ours: nothing lost, nothing refused. A peer that falls behind and has not
// delivered everything within the drain (their p99 is then over what did arrive) is a finding,
// reported in the table, not a failure of this benchmark.
if (runs.some(run => run.lost !== 0 || run.linesRefused !== 0)) process.exitCode = 1
