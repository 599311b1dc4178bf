// The chat load of benchmark 1, on servers already running: `count` receivers in the room (worker
// threads), chat sent at `rate` lines a second for `seconds` by enough senders to stay under the
// chat limit; how long each line takes to reach every socket, and whether any is lost. The relay
// benchmark runs it again while media flows.
import { performance } from 'node:perf_hooks'
import { customerTokens } from './server.mjs'
import { now, startReceivers } from './receivers.mjs'
import { closeAll, openSockets, register, send } from './sockets.mjs'
import { sleep, summarize } from './stats.mjs'

/**
 * `servers`: the first one signs the senders in; receivers and senders are spread over all, as a
 * load balancer would. `onIdle` runs once the receivers are connected, before any chat. A peer
 * server may speak another dialect (./sockets.mjs): `servers[0].dialect`.
 */
export async function measureChat({ servers, livestreamId, count, rate, seconds, workers = 2, onIdle = () => {} }) {
  const dialect = servers[0].dialect ?? 'wrencos'
  const connectStarted = performance.now()
  const receivers = await startReceivers({
    bases: servers.map(server => server.base), count, livestreamId, workers, dialect,
    capacity: Math.ceil(count * rate * seconds * 1.2) + 1000,
  })
  const connectSeconds = (performance.now() - connectStarted) / 1000
  await sleep(2000)
  await onIdle()

  // Senders: enough users that each stays under the chat limit (a burst of 5, then 1 a second).
  const senderCount = Math.max(5, Math.ceil(rate / 0.8))
  const tokens = await customerTokens(servers[0].base, senderCount, 'Bench sender')
  const senders = []
  let refused = 0
  for (const [index, token] of tokens.entries()) {
    const [ws] = await openSockets(servers[index % servers.length].base, 1, { token, dialect })
    await register(ws, livestreamId, `bench-sender-${index}`)
    ws.on('message', data => data.toString().includes('"type":"error"') && refused++)
    senders.push(ws)
  }
  let sent = 0
  const cpuBefore = servers.map(server => server.cpuSeconds())
  const chatStarted = performance.now()
  const total = rate * seconds
  for (let line = 0; line < total; line++) {
    const due = chatStarted + (line * 1000) / rate
    await sleep(Math.max(0, due - performance.now()))
    send(senders[line % senders.length], { type: 'chat_message', message: `bench ${line} ${now()}` })
    sent++
  }
  // Let the last lines arrive: until every receiver has every line, or 10 s.
  const drainDeadline = performance.now() + 10_000
  while (await receivers.delivered() < (sent - refused) * count && performance.now() < drainDeadline) await sleep(100)
  const chatSeconds = (performance.now() - chatStarted) / 1000
  const cpuPercent = servers.map((server, index) => (server.cpuSeconds() - cpuBefore[index]) / chatSeconds * 100)
  const { delivered, latencies } = await receivers.finish()
  closeAll(senders)
  const expected = (sent - refused) * count
  return { connectSeconds, sent, refused, delivered, expected, lost: expected - delivered, latency: summarize(latencies), cpuPercent }
}
