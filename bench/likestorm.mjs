// Benchmark 2: a like storm. U users each send a like a second (within the per-user limit) for
// S seconds into a room of N sockets. Every like must be counted once; sockets must get only a
// few `stream_update` frames a second; and a like must show on the counter quickly. The peer in the
// same run: the bare handler of the same build under autocannon, after the storm; the ratio of
// accepted likes a second to its requests a second is the share of this process's HTTP ceiling
// the storm's likes take (the storm is paced: more users would offer more).
//   node bench/likestorm.mjs [--sockets=5000] [--users=2000] [--seconds=30] [--quick]
import { performance } from 'node:perf_hooks'
import { bareHandler, figures, load, postJson } from './lib/http.mjs'
import { adminToken, customerTokens, liveShow, startServer } from './lib/server.mjs'
import { startReceivers } from './lib/receivers.mjs'
import { closeAll, openSockets, register } from './lib/sockets.mjs'
import { options, printTable, round, saveResults, sleep, summarize } from './lib/stats.mjs'

const opts = options({ sockets: 5000, users: 2000, seconds: 30, watched: 20 })
const sockets = opts.quick ? 200 : opts.sockets
const users = opts.quick ? 50 : opts.users
const seconds = opts.quick ? 3 : opts.seconds

const bareRoute = bareHandler()
const server = await startServer({ env: bareRoute.env })
try {
  const livestreamId = await liveShow(server.base, await adminToken(server.base))
  const bareUrl = await bareRoute.prepare(server, `${server.base}/api/livestreams/${livestreamId}`)
  const tokens = await customerTokens(server.base, users, 'Bench liker')
  // The room is held by worker threads, so that the generator's own loop stays free to send likes
  // on time; a few sockets here are watched closely: every counter frame they get, and when.
  const watchedCount = Math.min(opts.watched, sockets)
  const crowd = await startReceivers({ bases: [server.base], count: sockets - watchedCount, livestreamId, capacity: 1 })
  const room = await openSockets(server.base, watchedCount, { onOpen: ws => register(ws, livestreamId, `like-${Math.random().toString(36).slice(2)}`) })
  const watched = room.map((ws) => {
    const updates = []
    ws.on('message', (data) => {
      const text = data.toString()
      if (!text.startsWith('{"type":"stream_update"')) return
      updates.push({ at: performance.now(), likes: JSON.parse(text).likes })
    })
    return updates
  })
  await sleep(1000)
  for (const updates of watched) updates.length = 0

  const likes = []
  const httpLatencies = []
  const statuses = {}
  const cpuBefore = server.cpuSeconds()
  const started = performance.now()
  const inFlight = []
  // Each user likes once a second, the users spread evenly over the second.
  for (let second = 0; second < seconds; second++) {
    for (let user = 0; user < users; user++) {
      const due = started + second * 1000 + (user * 1000) / users
      const wait = due - performance.now()
      if (wait > 1) await sleep(wait)
      const sentAt = performance.now()
      inFlight.push(postJson(`${server.base}/api/livestreams/${livestreamId}/like`, { count: 1 }, { authorization: `Bearer ${tokens[user]}` })
        .then(({ status, body }) => {
          statuses[status] = (statuses[status] ?? 0) + 1
          httpLatencies.push(performance.now() - sentAt)
          if (status === 200) likes.push({ sentAt, total: body.likes })
        })
        .catch(() => { statuses.error = (statuses.error ?? 0) + 1 }))
    }
  }
  await Promise.all(inFlight)
  const sendSeconds = (performance.now() - started) / 1000
  const cpuPercent = (server.cpuSeconds() - cpuBefore) / sendSeconds * 100
  await sleep(1500)
  const counted = (await (await fetch(`${server.base}/api/livestreams/${livestreamId}`)).json()).livestream.likes

  // Latency: from a like's send to the first counter frame on a watched socket that includes it.
  const latencies = []
  likes.sort((a, b) => a.total - b.total)
  for (const updates of watched) {
    let next = 0
    for (const like of likes) {
      while (next < updates.length && updates[next].likes < like.total) next++
      if (next < updates.length) latencies.push(updates[next].at - like.sentAt)
    }
  }
  const latency = summarize(latencies)
  const framesPerSecond = watched.map(updates => updates.length / sendSeconds)
  // The bare handler's requests a second, with the room still connected, as the likes had it.
  const bare = figures(await load(bareUrl, { duration: opts.quick ? 2 : 5 }))
  closeAll(room)
  await crowd.finish()

  const result = {
    sockets, users, seconds,
    likesSent: users * seconds, likesAccepted: likes.length, statuses, likesCounted: counted,
    likesPerSecond: round(likes.length / sendSeconds),
    // The storm is paced (each user a like a second), so accepted / bare would only restate the
    // offered rate: what it tells is the share of the offered likes taken. Capacity is measured
    // where the server is saturated, in benchmark 4 (http.mjs). The bare handler is the machine's reference.
    bare, acceptedShare: round(likes.length / (users * seconds), 3),
    updateFramesPerSocketPerSecond: { mean: round(framesPerSecond.reduce((a, b) => a + b, 0) / framesPerSecond.length, 2), max: round(Math.max(...framesPerSecond), 2) },
    likeToCounterMs: { p50: round(latency.p50), p99: round(latency.p99), max: round(latency.max) },
    likeRequestMs: (({ p50, p99, max }) => ({ p50: round(p50), p99: round(p99), max: round(max) }))(summarize(httpLatencies)),
    serverCpuPercent: round(cpuPercent),
  }
  printTable('Like storm', [{
    sockets, users, seconds,
    'likes/s': result.likesPerSecond,
    'bare req/s': bare.requestsPerSecond,
    'accepted / offered': result.acceptedShare,
    'sent/accepted/counted': `${result.likesSent}/${result.likesAccepted}/${counted}`,
    'updates/socket/s': `${result.updateFramesPerSocketPerSecond.mean} (max ${result.updateFramesPerSocketPerSecond.max})`,
    'HTTP p99 ms': result.likeRequestMs.p99,
    'p50 ms': result.likeToCounterMs.p50,
    'p99 ms': result.likeToCounterMs.p99,
    'server CPU %': result.serverCpuPercent,
  }])
  saveResults('likestorm', opts.quick, result)
  if (counted !== likes.length || likes.length !== result.likesSent) process.exitCode = 1
}
finally {
  await server.stop()
}
