// Prints the latest full results (bench/results/*.json) as the Markdown tables of bench/README.md.
//   node bench/report.mjs
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './lib/server.mjs'

const load = name => JSON.parse(readFileSync(join(ROOT, 'bench/results', `${name}.json`), 'utf8'))
const table = (rows) => {
  const keys = Object.keys(rows[0])
  return [`| ${keys.join(' | ')} |`, `| ${keys.map(() => '---').join(' | ')} |`, ...rows.map(row => `| ${keys.map(key => row[key]).join(' | ')} |`)].join('\n')
}

const summary = load('summary')
console.log(`Run of ${summary.at} on ${summary.machine.cpus} × ${summary.machine.cpuModel}, ${summary.machine.memoryGiB} GiB, Node ${summary.machine.node}.\n`)
console.log('### Targets\n')
console.log(table(summary.targets.map(({ measure, size, target, measured, met }) => ({ measure, size, target, measured, met }))))

const fanoutRows = runs => runs.map(run => ({
  'sockets': run.sockets, 'processes': run.processes, 'connect + register (s)': run.connectAndRegisterSeconds,
  'p50 / p99 / max (ms)': `${run.latencyMs.p50} / ${run.latencyMs.p99} / ${run.latencyMs.max}`,
  'delivered / expected': `${run.delivered} / ${run.expected}`, 'server CPU %': run.serverCpuPercent.join(' + '),
  'RSS idle (MB)': run.serverRssMB.idleWithSockets.join(' + '), 'KB per idle socket': run.rssPerIdleSocketKB,
}))
console.log('\n### 1 and 6. Room fan-out, 20 chat lines a second\n')
console.log(table([...fanoutRows(load('fanout').runs), ...fanoutRows(load('fanout-redis').runs)]))
const peerRuns = load('fanout').runs.filter(run => run.peers?.socketIo)
if (peerRuns.length) {
  console.log('\nThe same sockets, rate and receivers against the peers, in the same run:\n')
  console.log(table(peerRuns.map(({ sockets, latencyMs, serverCpuPercent, lost, peers }) => ({
    'sockets': sockets,
    'ours p50 / p99 ms': `${latencyMs.p50} / ${latencyMs.p99}`,
    'bare ws p50 / p99 ms': `${peers.bare.latencyMs.p50} / ${peers.bare.latencyMs.p99}`,
    'Socket.IO p50 / p99 ms': `${peers.socketIo.latencyMs.p50} / ${peers.socketIo.latencyMs.p99}`,
    'lines lost within the drain: ours / bare / Socket.IO': `${lost} / ${peers.bare.lost} / ${peers.socketIo.lost}`,
    'CPU % ours / bare / Socket.IO': `${serverCpuPercent[0]} / ${peers.bare.serverCpuPercent} / ${peers.socketIo.serverCpuPercent}`,
    'p99 ours / bare': peers.p99VsBare, 'CPU ours / bare': peers.cpuVsBare,
    'p99 ours / Socket.IO': peers.p99VsSocketIo, 'CPU ours / Socket.IO': peers.cpuVsSocketIo,
  }))))
}

const likes = load('likestorm')
console.log('\n### 2. Like storm\n')
console.log(table([{
  'sockets': likes.sockets, 'users': likes.users, 'seconds': likes.seconds, 'likes/s': likes.likesPerSecond,
  'sent / accepted / counted': `${likes.likesSent} / ${likes.likesAccepted} / ${likes.likesCounted}`,
  'stream_update per socket per s': likes.updateFramesPerSocketPerSecond.max,
  'like request p50 / p99 (ms)': `${likes.likeRequestMs.p50} / ${likes.likeRequestMs.p99}`,
  'like -> counter p50 / p99 / max (ms)': `${likes.likeToCounterMs.p50} / ${likes.likeToCounterMs.p99} / ${likes.likeToCounterMs.max}`,
  'server CPU %': likes.serverCpuPercent,
  ...(likes.bare ? { 'bare handler req/s (same run)': likes.bare.requestsPerSecond, 'accepted / offered': likes.acceptedShare } : {}),
}]))

const join_ = load('viewer-join')
console.log('\n### 3. Viewer join\n')
const joinRow = (measure, ms, vsFloor = '-') => ({ measure, 'joins': join_.joins, 'median (ms)': ms.median, 'p90 (ms)': ms.p90, 'max (ms)': ms.max, 'median / floor': vsFloor })
console.log(table([
  ...(join_.floor ? [joinRow('floor: bare page, two RTCPeerConnections', join_.floor.firstFrameMs)] : []),
  ...(join_.modes ?? []).map(mode => joinRow(`${mode.mode}: open /live/:id -> first decoded frame`, mode.firstFrameMs, mode.vsFloor)),
  joinRow('p2p: register -> webrtc_offer (socket)', join_.registerToOfferMs),
]))
const medianOf = (milestones, key) => {
  const values = milestones.map(m => m[key]).filter(value => value !== undefined && value !== null).sort((a, b) => a - b)
  return values.length ? values[Math.floor(values.length / 2)] : undefined
}
const KEYS = { firstByte: 'first byte', domContentLoaded: 'DOMContentLoaded', videoElement: 'player in the page', whepStarted: 'WHEP session made', whepPosted: 'WHEP offer sent', socketOpen: 'socket open', whepAnswered: 'WHEP answered', hydrated: 'hydrated', connected: 'peer connected', firstFrame: 'first frame' }
const milestoneRows = [['floor', join_.floor], ...(join_.modes ?? []).map(mode => [mode.mode, mode])].filter(([, entry]) => entry?.firstFrameMs.milestones)
if (milestoneRows.length) {
  console.log('\nMedian milestones of a join (ms from navigation start):\n')
  console.log(table(milestoneRows.map(([name, entry]) => ({ page: name, ...Object.fromEntries(Object.entries(KEYS).map(([key, label]) => [label, medianOf(entry.firstFrameMs.milestones, key) ?? '-'])) }))))
}

const http = load('http')
console.log('\n### 4. HTTP (autocannon, 50 connections, 10 s each)\n')
console.log(table([
  { 'route': 'GET /api/livestreams/:id', 'req/s': http.read.requestsPerSecond, 'p50 / p99 (ms)': `${http.read.latencyMs.p50} / ${http.read.latencyMs.p99}`, '2xx': http.read.ok, 'non-2xx': http.read.non2xx },
  { 'route': 'bare handler, same JSON', 'req/s': http.bare.requestsPerSecond, 'p50 / p99 (ms)': `${http.bare.latencyMs.p50} / ${http.bare.latencyMs.p99}`, '2xx': http.bare.ok, 'non-2xx': http.bare.non2xx },
  { 'route': `POST /api/livestreams/:id/like, ${http.like.users} users`, 'req/s': http.like.requestsPerSecond, 'p50 / p99 (ms)': `${http.like.latencyMs.p50} / ${http.like.latencyMs.p99}`, '2xx': http.like.ok, 'non-2xx': `${http.like.non2xx} (429: over the per-user limit)` },
]))
console.log(`\nread / bare = ${http.readToBareRatio}; accepted likes / bare = ${http.likesToBareRatio ?? '-'}; like requests / bare = ${http.likeRequestsToBareRatio ?? '-'}`)

console.log('\n### 5. Upload\n')
console.log(table(load('upload').rows))

const relay = load('relay')
console.log('\n### 7. Relay, janus mode and bare Janus\n')
console.log(table([...relay.runs, ...(relay.janusRuns ?? []), ...(relay.bareJanusRuns ?? [])].map(run => ({
  'mode': run.mode, 'viewers': run.viewers, 'connected': run.viewers - run.failedToConnect,
  'viewer kbit/s min / p50': `${run.viewerKbps.min} / ${run.viewerKbps.p50}`, 'publisher kbit/s': run.publisherKbps,
  'fps min / p50': `${run.fps.min} / ${run.fps.p50}`, 'loss % after NACK': run.lossPercent,
  'delay p50 / p99 ms': `${run.delayMs.p50} / ${run.delayMs.p99}`, 'server CPU %': run.serverCpuPercent,
  'viewers\' CPU %': run.loadGeneratorCpuPercent, 'met': run.met ? 'yes' : 'no',
}))))
console.log(`\nMost viewers meeting both targets: relay ${relay.largestViewersMeetingTargets}, janus mode ${relay.largestJanusViewersMeetingTargets ?? '-'}, bare Janus ${relay.largestBareJanusViewersMeetingTargets ?? '-'}; relay / bare Janus ${relay.relayVsBareJanus ?? '-'}, janus mode / bare Janus ${relay.janusVsBareJanus ?? '-'}. Chat p99 with media / without: ${relay.chat.p99Ratio}.`)
