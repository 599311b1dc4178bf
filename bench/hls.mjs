// Benchmark 7's HLS row: one show published through WHIP (ffmpeg's 720p VP8 with a clock in its
// picture, from a process of its own), packaged as HLS by the server (NUXT_HLS). For each new
// segment: how long after the publisher sent its first frame the segment was in the playlist
// (read off the clock in that frame), its length; and the CPU of the server's ffmpeg processes
// (the show's one transcode and its HLS packager) and of the server itself.
//   node bench/hls.mjs [--seconds=20] [--kbps=1500] [--quick]
import { execFileSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { childCpu } from './lib/child-cpu.mjs'
import { startClockPublisher } from './lib/clock-publisher.mjs'
import { CLOCK_PERIOD_SECONDS, clockSecondsOf } from './lib/media-source.mjs'
import { adminToken, liveShow, startServer } from './lib/server.mjs'
import { options, printTable, round, saveResults, sleep, summarize } from './lib/stats.mjs'

const opts = options({ seconds: 20, kbps: 1500 })
const seconds = opts.quick ? 6 : Number(opts.seconds)

/** The clock in a segment's first frame, in seconds modulo the clock's period. */
function firstClock(url) {
  const rgb = execFileSync('ffmpeg', ['-loglevel', 'error', '-i', url, '-frames:v', '1', '-vf', 'crop=iw/8:ih/8:iw/16:ih/16,scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'])
  return clockSecondsOf(rgb[0])
}

const server = await startServer({ env: { NUXT_MEDIA_MODE: 'relay', NUXT_MEDIA_LOOPBACK: 'true', NUXT_HLS: 'true' } })
let publisher
try {
  const token = await adminToken(server.base)
  const livestreamId = await liveShow(server.base, token, 'HLS bench')
  publisher = await startClockPublisher(`${server.base}/api/livestreams/${livestreamId}/whip`, token, { videoKbps: opts.kbps, width: 1280, height: 720 })
  const playlistUrl = `${server.base}/live/${livestreamId}/hls/index.m3u8`
  const firstPlaylistAt = performance.now()
  while (!(await fetch(playlistUrl)).ok) await sleep(100)
  const playlistAfter = (performance.now() - firstPlaylistAt) / 1000
  await sleep(2000)

  const ffmpegs = childCpu(server.pid, command => command[0]?.endsWith('ffmpeg'))
  const serverCpuBefore = server.cpuSeconds()
  const seen = new Set()
  const segments = []
  const started = performance.now()
  let first = true
  while (performance.now() - started < seconds * 1000) {
    const playlist = await (await fetch(playlistUrl)).text()
    const now = Date.now()
    const entries = [...playlist.matchAll(/#EXTINF:([\d.]+),\n(?:#EXT-X-PROGRAM-DATE-TIME:\S+\n)?(\d+\.ts)/g)]
    for (const [, duration, name] of entries) {
      if (seen.has(name)) continue
      seen.add(name)
      // The first playlist names segments that were there before this run looked: only new ones are timed.
      if (first) continue
      const shown = firstClock(`${server.base}/live/${livestreamId}/hls/${name}`)
      const elapsed = (now - publisher.startedAt) / 1000
      const behind = (((elapsed - shown) % CLOCK_PERIOD_SECONDS) + CLOCK_PERIOD_SECONDS) % CLOCK_PERIOD_SECONDS
      segments.push({ name, seconds: Number(duration), delayMs: behind * 1000 })
    }
    first = false
    ffmpegs.sample()
    await sleep(100)
  }
  const elapsed = (performance.now() - started) / 1000
  const ffmpegCpuPercent = ffmpegs.sample() / elapsed * 100
  const serverCpu = (server.cpuSeconds() - serverCpuBefore) / elapsed * 100
  const delay = summarize(segments.map(segment => segment.delayMs))
  const lengths = summarize(segments.map(segment => segment.seconds))
  const row = {
    'segments': segments.length,
    'segment s p50/max': `${round(lengths.p50, 2)} / ${round(lengths.max, 2)}`,
    'publisher to playlist ms p50/max': `${round(delay.p50)} / ${round(delay.max)}`,
    'first playlist after s': round(playlistAfter, 1),
    'ffmpeg processes': ffmpegs.lasting(),
    'brief ffmpegs (frame grabs)': ffmpegs.seen() - ffmpegs.lasting(),
    'ffmpeg CPU %': round(ffmpegCpuPercent),
    'server CPU %': round(serverCpu),
  }
  printTable(`HLS: one ${opts.kbps} kbit/s 720p show packaged for ${seconds} s`, [row])
  console.log('A player shows a segment once it is in the playlist and two more follow (hls.js liveSyncDurationCount 2): add about two segment lengths for the picture\'s delay.')
  saveResults('hls', opts.quick, { seconds, kbps: opts.kbps, segments, row })
  if (!segments.length || lengths.max > 2) process.exitCode = 1
}
finally {
  publisher?.stop()
  await server.stop()
}
process.exit()
