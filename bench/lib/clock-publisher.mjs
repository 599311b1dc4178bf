// A publisher in a process of its own whose picture carries a clock (media-source.mjs, `clock`),
// for measuring how far behind the publisher a viewer's picture is. Its own process, because a
// publisher that shares a busy process (a test's, with its browser driving) falls behind whenever
// that process is busy, and the delay it adds stays with every viewer.
//   node bench/lib/clock-publisher.mjs <whip url> <bearer token>
// It prints one line of JSON, { startedAt }, once connected, and runs until it is killed.
import { fork } from 'node:child_process'
import { startMediaSource } from './media-source.mjs'
import { publishWithWerift } from './werift-peers.mjs'

/** Starts the publisher in a child process; resolves once it is connected. */
export function startClockPublisher(whipUrl, token, options = {}) {
  const child = fork(new URL(import.meta.url), [whipUrl, token, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] })
  return new Promise((resolve, reject) => {
    child.once('exit', code => reject(new Error(`the clock publisher exited (${code}) before it was connected`)))
    // SIGTERM: it stops its ffmpeg before it goes (one killed outright would leave ffmpeg running).
    child.once('message', ({ startedAt }) => resolve({ startedAt, stop: () => child.kill('SIGTERM') }))
  })
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [whipUrl, token, options = '{}'] = process.argv.slice(2)
  const media = await startMediaSource({ videoKbps: 600, width: 640, height: 360, ...JSON.parse(options), clock: true })
  await publishWithWerift(media, async (offer) => {
    const answer = await fetch(whipUrl, { method: 'POST', body: offer, headers: { 'content-type': 'application/sdp', 'authorization': `Bearer ${token}` } })
    if (answer.status !== 201) throw new Error(`WHIP answered ${answer.status}: ${await answer.text()}`)
    return answer.text()
  })
  process.send?.({ startedAt: media.startedAt })
  const end = () => {
    media.stop()
    process.exit(0)
  }
  process.on('disconnect', end)
  process.on('SIGTERM', end)
}
