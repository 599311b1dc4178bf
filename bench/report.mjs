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

const likes = load('likestorm')
console.log('\n### 2. Like storm\n')
console.log(table([{
  'sockets': likes.sockets, 'users': likes.users, 'seconds': likes.seconds, 'likes/s': likes.likesPerSecond,
  'sent / accepted / counted': `${likes.likesSent} / ${likes.likesAccepted} / ${likes.likesCounted}`,
  'stream_update per socket per s': likes.updateFramesPerSocketPerSecond.max,
  'like request p50 / p99 (ms)': `${likes.likeRequestMs.p50} / ${likes.likeRequestMs.p99}`,
  'like -> counter p50 / p99 / max (ms)': `${likes.likeToCounterMs.p50} / ${likes.likeToCounterMs.p99} / ${likes.likeToCounterMs.max}`,
  'server CPU %': likes.serverCpuPercent,
}]))

const join_ = load('viewer-join')
console.log('\n### 3. Viewer join\n')
console.log(table([
  { 'measure': 'open /live/:id -> first decoded frame', 'joins': join_.joins, 'median (ms)': join_.firstFrameMs.median, 'p90 (ms)': join_.firstFrameMs.p90, 'max (ms)': join_.firstFrameMs.max },
  { 'measure': 'register -> webrtc_offer (socket)', 'joins': join_.joins, 'median (ms)': join_.registerToOfferMs.median, 'p90 (ms)': join_.registerToOfferMs.p90, 'max (ms)': join_.registerToOfferMs.max },
]))
if (join_.milestonesMs?.length) {
  const median = key => [...join_.milestonesMs.map(m => m[key])].sort((a, b) => a - b)[Math.floor(join_.milestonesMs.length / 2)]
  console.log(`\nMedian milestones of a join: DOMContentLoaded ${median('domContentLoaded')} ms, player mounted ${median('videoElement')} ms, ${join_.milestonesMs[0].connected === undefined ? '' : `peer connected ${median('connected')} ms, `}first frame ${median('firstFrame')} ms.`)
}

const http = load('http')
console.log('\n### 4. HTTP (autocannon, 50 connections, 10 s each)\n')
console.log(table([
  { 'route': 'GET /api/livestreams/:id', 'req/s': http.read.requestsPerSecond, 'p50 / p99 (ms)': `${http.read.latencyMs.p50} / ${http.read.latencyMs.p99}`, '2xx': http.read.ok, 'non-2xx': http.read.non2xx },
  { 'route': 'bare handler, same JSON', 'req/s': http.bare.requestsPerSecond, 'p50 / p99 (ms)': `${http.bare.latencyMs.p50} / ${http.bare.latencyMs.p99}`, '2xx': http.bare.ok, 'non-2xx': http.bare.non2xx },
  { 'route': `POST /api/livestreams/:id/like, ${http.like.users} users`, 'req/s': http.like.requestsPerSecond, 'p50 / p99 (ms)': `${http.like.latencyMs.p50} / ${http.like.latencyMs.p99}`, '2xx': http.like.ok, 'non-2xx': `${http.like.non2xx} (429: over the per-user limit)` },
]))
console.log(`\nread / bare = ${http.readToBareRatio}`)

console.log('\n### 5. Upload\n')
console.log(table(load('upload').rows))
