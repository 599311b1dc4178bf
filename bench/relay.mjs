// Benchmark 7: the relay. One publisher (ffmpeg's 720p VP8 at 1.5 Mbit/s with Opus, through WHIP
// with a stream key, as OBS would) and N viewers (WHEP) in child processes that read RTP headers
// without decrypting: per-viewer bitrate, frames per second, loss after NACK, delay from the
// publisher's send to each viewer's arrival, and the server's CPU and RSS. Then the room fan-out
// of benchmark 1 measured without media and again while the relay serves viewers: media must not
// hurt chat.
// With Janus installed, the same sizes run again in janus mode (the same publisher and viewers,
// the media carried by a Janus of the run's own), and its CPU counts as the server's; and again
// against the peer, bare Janus: its Streaming plugin fed the same source directly, the same
// viewers asking Janus themselves (./lib/bare-janus.mjs). Ours / bare Janus is the ratio of the
// largest audiences meeting both targets. And in janus mode with two edges (NUXT_JANUS_EDGES): an
// origin Janus and two edges, their three CPUs counted as the server's.
//   node bench/relay.mjs [--sizes=50,100,200,300] [--seconds=10] [--processes=2] [--chat-sockets=5000] [--chat-viewers=100]
//     [--modes=relay,janus,bare,edges] [--quick]
import { fork } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { measureChat } from './lib/chat-load.mjs'
import { bareMountpoint } from './lib/bare-janus.mjs'
import { haveJanus, startJanus } from './lib/janus.mjs'
import { startMediaSource } from './lib/media-source.mjs'
import { adminToken, liveShow, processCpuSeconds, startServer, watchRss } from './lib/server.mjs'
import { mb, options, printTable, round, saveResults, sleep, summarize } from './lib/stats.mjs'
import { publishWithWerift } from './lib/werift-peers.mjs'

const opts = options({ 'sizes': '50,100,200,300', 'seconds': 10, 'processes': 2, 'chat-sockets': 5000, 'chat-viewers': 100, 'rate': 20, 'kbps': 1500, 'modes': 'relay,janus,bare,edges', 'chat': 'true' })
const modes = new Set(opts.modes.split(','))
const sizes = opts.quick ? [4] : opts.sizes.split(',').map(Number)
const seconds = opts.quick ? 3 : opts.seconds
const chatSockets = opts.quick ? 200 : opts['chat-sockets']
const chatViewers = opts.quick ? 4 : opts['chat-viewers']
const chatSeconds = opts.quick ? 2 : 10
/** The publisher's stream, the same for every mode: encoded once and sent on a loop (media-source.mjs, `prerecorded`). */
const SOURCE = { videoKbps: opts.kbps, keyframeSeconds: 2, prerecorded: true }
// The targets of the issue, on this 2-core machine with the load generator on it.
const TARGET = { lossPercent: 0.5, p99DelayMs: 150 }

const now = () => performance.timeOrigin + performance.now()

/** A relay server (or a janus-mode one, with its Janus, and with `edges` its edges too) with room for every viewer of the run. */
async function relayServer(maxViewers, mode = 'relay') {
  const secret = `bench-${Math.random().toString(36).slice(2)}`
  const januses = mode === 'janus' ? [await startJanus()] : mode === 'edges' ? await Promise.all([0, 1, 2].map(() => startJanus({ secret }))) : []
  const [janus, ...edges] = januses
  const server = await startServer({ env: {
    NUXT_MEDIA_MODE: 'relay', NUXT_MEDIA_LOOPBACK: 'true', NUXT_MEDIA_MAX_VIEWERS: String(maxViewers + 10), ...janus?.env,
    ...(edges.length ? { NUXT_JANUS_EDGES: edges.map(edge => edge.url).join(',') } : {}),
  } })
  if (!janus) return server
  return {
    ...server,
    // What carries the media is Janus: its CPU is the server's as much as the Nuxt process's.
    cpuSeconds: () => server.cpuSeconds() + januses.reduce((sum, one) => sum + processCpuSeconds(one.pid), 0),
    async stop() {
      await server.stop()
      await Promise.all(januses.map(one => one.stop()))
    },
  }
}

/**
 * Watches the video packets a publisher sends (through WHIP, or straight into bare Janus): counts
 * their bytes and tells `onFrame` when each frame leaves (its first packet) and of each packet.
 */
function videoCounter(onFrame) {
  let bytes = 0
  let lastTimestamp
  return {
    onPacket(packet) {
      bytes += packet.length
      const timestamp = packet.readUInt32BE(4)
      onFrame(timestamp, now(), timestamp !== lastTimestamp)
      lastTimestamp = timestamp
    },
    bytes: () => bytes,
  }
}

/** The show's publisher: ffmpeg's stream through WHIP with a stream key; tells `onFrame` when each video frame leaves (and each of its packets). */
async function publish(base, token, livestreamId, onFrame) {
  const response = await fetch(`${base}/api/livestreams/${livestreamId}/stream-key`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
  const { streamKey, whipUrl } = await response.json()
  const source = await startMediaSource(SOURCE)
  const video = videoCounter(onFrame)
  const pc = await publishWithWerift(source, async (offer) => {
    const answer = await fetch(whipUrl, { method: 'POST', body: offer, headers: { 'content-type': 'application/sdp', 'authorization': `Bearer ${streamKey}` } })
    if (answer.status !== 201) throw new Error(`WHIP ${answer.status}: ${await answer.text()}`)
    return answer.text()
  }, video.onPacket).catch((error) => {
    // Its ffmpeg would otherwise run on (ten minutes of a core) under every later run and test.
    source.stop()
    throw error
  })
  // A publisher whose connection goes down mid-run explains viewers told "nothing is published".
  let stopping = false
  pc.connectionStateChange.subscribe(state => !stopping && state !== 'connected' && console.log(`  the publisher's connection is ${state}`))
  return {
    videoBytes: video.bytes,
    async stop() {
      stopping = true
      // The source first: a werift close under load can take long, and never blocks the next run.
      source.stop()
      await Promise.race([pc.close(), sleep(3000)])
    },
  }
}

/**
 * `count` viewers of `target` ({ whepUrl } or bare Janus's { janus }) spread over `processes` child
 * processes; resolves once every one is connected.
 */
async function startViewers(target, count, processes) {
  const used = Math.min(processes, count)
  const children = Array.from({ length: used }, (_, index) => {
    const share = Math.floor(count / used) + (index < count % used ? 1 : 0)
    const child = fork(new URL('./lib/relay-viewers.mjs', import.meta.url), [], { stdio: 'inherit' })
    const next = type => new Promise((resolve, reject) => {
      const done = () => {
        child.off('message', onMessage)
        child.off('exit', onExit)
      }
      const onMessage = (message) => {
        if (message.type === 'failed') reject(new Error(message.message))
        else if (message.type === type) resolve(message)
        else return
        done()
      }
      // A viewer process that dies (out of memory, a crash) fails the run instead of hanging it.
      const onExit = (code, signal) => {
        done()
        reject(new Error(`a viewer process exited (${signal ?? code}) while waiting for '${type}'`))
      }
      child.on('message', onMessage)
      child.on('exit', onExit)
      // A send racing the process's exit fails with EPIPE: its exit (above) is what fails the run.
      child.on('error', () => {})
    })
    return { child, share, next }
  })
  await Promise.all(children.map(({ next }) => next('ready')))
  // One process at a time: a burst of hundreds of handshakes at once measures the handshakes.
  let failed = 0
  let retried = 0
  let waited = 0
  for (const { child, share, next } of children) {
    child.send({ type: 'open', ...target, count: share })
    const opened = await next('opened')
    failed += opened.failed
    retried += opened.retried ?? 0
    waited += opened.waited ?? 0
    if (opened.waited) console.log(`  ${opened.waited} of ${share} viewers were told the show was full and got a place on asking again after its Retry-After`)
    if (opened.retried) console.log(`  ${opened.retried} of ${share} viewers connected only with a second session`)
    if (opened.failed) console.log(`  ${opened.failed} of ${share} viewers did not connect: ${opened.firstError}`)
  }
  return {
    failed,
    retried,
    waited,
    pids: children.map(({ child }) => child.pid),
    sent: frames => children.forEach(({ child }) => child.connected && child.send({ type: 'sent', frames })),
    measure: () => Promise.all(children.map(({ child, next }) => (child.send({ type: 'measure' }), next('measuring')))),
    async finish() {
      const answers = await Promise.all(children.map(({ child, next }) => (child.send({ type: 'finish' }), next('results'))))
      return answers.flatMap(answer => answer.results)
    },
  }
}

/** The publisher's frames, batched to the viewer processes so they can time each frame's arrival. */
function frameRelay() {
  // [timestamp, sent at, packets]: the packet count tells key frames apart (many packets), which
  // is how a viewer behind a server that renumbers timestamps (Janus) finds which frame is which.
  let pending = new Map()
  let target = null
  const timer = setInterval(() => {
    if (target && pending.size) target.sent([...pending.values()])
    pending = new Map()
  }, 50)
  return {
    onFrame: (timestamp, at, first) => {
      const frame = pending.get(timestamp)
      if (frame) frame[2]++
      else if (first) pending.set(timestamp, [timestamp, at, 1])
    },
    sendTo: (viewers) => {
      target = viewers
    },
    stop: () => clearInterval(timer),
  }
}

/**
 * What the viewers watch in `mode`: a show on our server (relay or janus mode) published through
 * WHIP, or bare Janus's mountpoint fed the same source directly. Answers where viewers subscribe,
 * what counts as the server (its CPU, its RSS), the publisher's video bytes so far, and a stop.
 */
async function stage(mode, count, onFrame) {
  if (mode === 'bare janus') {
    const janus = await startJanus()
    const mountpoint = await bareMountpoint(janus)
    const source = await startMediaSource(SOURCE)
    const video = videoCounter(onFrame)
    mountpoint.feed(source, video.onPacket)
    return {
      target: { janus: { url: janus.url, secret: janus.secret, mountpoint: mountpoint.id } },
      pid: janus.pid, cpuSeconds: () => processCpuSeconds(janus.pid), videoBytes: video.bytes,
      async stop() {
        source.stop()
        await mountpoint.stop()
        await janus.stop()
      },
    }
  }
  const server = await relayServer(count, mode)
  try {
    const token = await adminToken(server.base)
    const livestreamId = await liveShow(server.base, token, `Relay bench ${count}`)
    const publisher = await publish(server.base, token, livestreamId, onFrame)
    return {
      target: { whepUrl: `${server.base}/api/livestreams/${livestreamId}/whep` },
      pid: server.pid, cpuSeconds: server.cpuSeconds, videoBytes: publisher.videoBytes,
      async stop() {
        await publisher.stop()
        await server.stop()
      },
    }
  }
  catch (error) {
    await server.stop()
    throw error
  }
}

async function runViewers(count, mode = 'relay') {
  const frames = frameRelay()
  let server
  try {
    server = await stage(mode, count, frames.onFrame)
    await sleep(1000)
    const connectStarted = performance.now()
    const viewers = await startViewers(server.target, count, opts.processes)
    frames.sendTo(viewers)
    const connectSeconds = (performance.now() - connectStarted) / 1000
    await sleep(2000)

    const rss = watchRss(server.pid, 200)
    const cpuBefore = server.cpuSeconds()
    const loadCpuBefore = viewers.pids.map(pid => processCpuSeconds(pid))
    const publisherBefore = server.videoBytes()
    const started = performance.now()
    await viewers.measure()
    await sleep(seconds * 1000)
    // Read before the viewers finish: a viewer process exits once it has sent its results.
    const elapsed = (performance.now() - started) / 1000
    const serverCpu = (server.cpuSeconds() - cpuBefore) / elapsed * 100
    const loadCpu = viewers.pids.reduce((sum, pid, index) => sum + (processCpuSeconds(pid) - loadCpuBefore[index]), 0) / elapsed * 100
    const publisherKbps = (server.videoBytes() - publisherBefore) * 8 / elapsed / 1000
    const all = await viewers.finish()
    const peakRss = rss.stop()
    // What overload must not harm: the viewers the server kept. Those whose connection ended (the
    // relay lets its newest go when it falls behind; a Janus past its means drops some) are counted apart.
    const results = all.filter(result => !result.letGo)

    const kbps = summarize(results.map(result => result.kbps))
    const fps = summarize(results.map(result => result.fps))
    const delay = summarize(results.flatMap(result => result.delays))
    const expected = results.reduce((sum, result) => sum + result.expected, 0)
    const lost = results.reduce((sum, result) => sum + result.lost, 0)
    const lossPercent = expected ? lost / expected * 100 : 100
    return {
      mode,
      viewers: count,
      received: results.filter(result => result.kbps > 0).length,
      letGo: all.length - results.length,
      failedToConnect: viewers.failed,
      connectedOnRetry: viewers.retried,
      admittedAfterRetryAfter: viewers.waited,
      connectSeconds: round(connectSeconds, 2),
      viewerKbps: { min: round(kbps.p50 && results.reduce((min, result) => Math.min(min, result.kbps), Infinity)), p50: round(kbps.p50) },
      publisherKbps: round(publisherKbps),
      fps: { min: round(results.reduce((min, result) => Math.min(min, result.fps), Infinity)), p50: round(fps.p50) },
      lossPercent: round(lossPercent, 3),
      nacks: results.reduce((sum, result) => sum + result.nacks, 0),
      delayMs: { p50: round(delay.p50), p99: round(delay.p99), max: round(delay.max) },
      serverCpuPercent: round(serverCpu),
      loadGeneratorCpuPercent: round(loadCpu),
      serverRssMB: mb(peakRss),
      met: lossPercent < TARGET.lossPercent && delay.p99 < TARGET.p99DelayMs && results.filter(result => result.kbps > 0).length === count,
    }
  }
  finally {
    frames.stop()
    await server?.stop()
  }
}

/** Benchmark 1's fan-out on one server, without media and then with `viewerCount` relay viewers. */
async function runChat(viewerCount) {
  const server = await relayServer(viewerCount)
  const frames = frameRelay()
  let publisher
  try {
    const token = await adminToken(server.base)
    const livestreamId = await liveShow(server.base, token, 'Relay bench chat')
    const chat = () => measureChat({ servers: [server], livestreamId, count: chatSockets, rate: opts.rate, seconds: chatSeconds })
    const without = await chat()
    publisher = await publish(server.base, token, livestreamId, frames.onFrame)
    await sleep(1000)
    const viewers = await startViewers({ whepUrl: `${server.base}/api/livestreams/${livestreamId}/whep` }, viewerCount, opts.processes)
    frames.sendTo(viewers)
    await viewers.measure()
    const withMedia = await chat()
    const media = await viewers.finish()
    // The viewers the relay kept and that received during the chat: the ratio is "with these".
    const kept = media.filter(result => !result.letGo && result.kbps > 0)
    const keptKbps = kept.length ? round(summarize(kept.map(result => result.kbps)).p50) : 0
    const row = (label, run, relay = { offered: 0, kept: 0, kbps: '-' }) => ({
      'run': label, 'sockets': chatSockets, 'relay viewers offered': relay.offered, 'kept, receiving': relay.kept, 'their kbit/s p50': relay.kbps,
      'p50': round(run.latency.p50), 'p99': round(run.latency.p99), 'lost': run.lost, 'serverCpuPercent': round(run.cpuPercent[0]),
    })
    return {
      rows: [row('without media', without), row('with media', withMedia, { offered: viewerCount, kept: kept.length, kbps: kept.length ? keptKbps : '-' })],
      p99Ratio: round(withMedia.latency.p99 / without.latency.p99, 2),
      relayViewersKept: kept.length,
      viewerKbpsDuringChat: keptKbps,
      lost: without.lost + withMedia.lost,
    }
  }
  finally {
    frames.stop()
    await publisher?.stop()
    await server.stop()
  }
}

/** Every size in `mode`, when it is asked for (and, beyond the relay, when Janus is installed). */
async function runMode(mode, name, label) {
  const runs = []
  if (!modes.has(name) || (mode !== 'relay' && !haveJanus)) return runs
  for (const size of sizes) {
    console.log(`${label}: ${size} viewers of one ${opts.kbps} kbit/s publisher for ${seconds} s`)
    runs.push(await runViewers(size, mode))
  }
  return runs
}
const runs = await runMode('relay', 'relay', 'relay')
const janusRuns = await runMode('janus', 'janus', 'janus mode')
const bareJanusRuns = await runMode('bare janus', 'bare', 'bare Janus (Streaming fed directly)')
const edgeRuns = await runMode('edges', 'edges', 'janus mode, an origin and two edges')
const tableRow = run => ({
  'mode': run.mode,
  'viewers': run.viewers,
  'connected': run.viewers - run.failedToConnect,
  'of them after a 503': run.admittedAfterRetryAfter ?? 0,
  'connection ended': run.letGo ?? 0,
  'kept, receiving': run.received,
  'connect s': run.connectSeconds,
  'viewer kbit/s min/p50': `${run.viewerKbps.min} / ${run.viewerKbps.p50}`,
  'publisher kbit/s': run.publisherKbps,
  'fps min/p50': `${run.fps.min} / ${run.fps.p50}`,
  'loss % after NACK': run.lossPercent,
  'delay p50/p99 ms': `${run.delayMs.p50} / ${run.delayMs.p99}`,
  'server CPU %': run.serverCpuPercent,
  'viewers\' CPU %': run.loadGeneratorCpuPercent,
  'server RSS MB': run.serverRssMB,
  'met': run.met ? 'yes' : 'no',
})
printTable('Relay, janus mode, bare Janus and Janus edges: one publisher, N viewers', [...runs, ...janusRuns, ...bareJanusRuns, ...edgeRuns].map(tableRow))
let chat
if (opts.chat !== 'false') {
  console.log(`chat: ${chatSockets} sockets, ${opts.rate} lines/s, without media and with ${chatViewers} relay viewers`)
  chat = await runChat(chatViewers)
  printTable('Chat fan-out while the relay serves viewers', chat.rows)
  console.log(`chat p99 with media / without: ${chat.p99Ratio} (${chat.relayViewersKept} of ${chatViewers} relay viewers kept, receiving)`)
}
const largestOf = list => list.length ? list.filter(run => run.met).at(-1)?.viewers ?? 0 : undefined
const largestMet = largestOf(runs)
const largestJanusMet = largestOf(janusRuns)
const largestBareJanusMet = largestOf(bareJanusRuns)
const largestEdgesMet = largestOf(edgeRuns)
// Ours / bare Janus: the largest audience meeting both targets, each against the peer's.
const vsBare = largest => (largestBareJanusMet ? round(largest / largestBareJanusMet, 2) : undefined)
// Only the modes this run measured (a run of `--modes=edges,bare` printed "relay undefined" and "NaN").
const measured = [['relay', runs, largestMet], ['janus mode', janusRuns, largestJanusMet], ['edges', edgeRuns, largestEdgesMet], ['bare Janus', bareJanusRuns, largestBareJanusMet]]
  .filter(([, list]) => list.length)
if (janusRuns.length || edgeRuns.length || bareJanusRuns.length) {
  const ratios = bareJanusRuns.length ? measured.filter(([, list]) => list !== bareJanusRuns).map(([name, , most]) => `${name} / bare ${vsBare(most) ?? '-'}`) : []
  console.log(`most viewers meeting both targets: ${measured.map(([name, , most]) => `${name} ${most}`).join(', ')}${ratios.length ? `; ${ratios.join(', ')}` : ''}`)
}
saveResults('relay', opts.quick, {
  seconds, kbps: opts.kbps, target: TARGET, runs, largestViewersMeetingTargets: largestMet,
  janusRuns, largestJanusViewersMeetingTargets: largestJanusMet,
  bareJanusRuns, largestBareJanusViewersMeetingTargets: largestBareJanusMet,
  edgeRuns, largestEdgeViewersMeetingTargets: largestEdgesMet,
  relayVsBareJanus: vsBare(largestMet), janusVsBareJanus: vsBare(largestJanusMet), edgesVsBareJanus: vsBare(largestEdgesMet),
  chat,
})
// Its own checks: at the smallest size every viewer connected and got video, and nothing of the
// chat was lost. The larger sizes and the targets are reported (bench/README.md), not failed on:
// they are what this machine reaches.
const smallestOf = list => list[0] && (list[0].received !== list[0].viewers || list[0].fps.min < 10)
if (smallestOf(runs) || smallestOf(janusRuns) || smallestOf(bareJanusRuns) || smallestOf(edgeRuns) || chat?.lost) process.exitCode = 1
// werift's closed peer connections can leave timers and sockets behind: the run is over, so is the process.
process.exit()
