// A real VP8 + Opus stream made by ffmpeg (a test pattern and a tone), as RTP on loopback: what a
// non-browser publisher (OBS, an encoder) would send. The relay's tests and its benchmark use it.
import { spawn, spawnSync } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { existsSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const ffmpegInstalled = () => spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0

async function receiver() {
  const socket = createSocket('udp4')
  await new Promise(resolve => socket.bind(0, '127.0.0.1', resolve))
  // A 720p key frame is a burst of a hundred packets: room for it.
  socket.setRecvBufferSize(4 * 1024 * 1024)
  return socket
}

/** The clock block's period: its brightness says the stream's time modulo this many seconds. */
export const CLOCK_PERIOD_SECONDS = 10

/**
 * The stream's own time as a picture reads it: the clock block (top left) is a flat grey
 * whose brightness is the time modulo CLOCK_PERIOD_SECONDS, black at 0 and white at the period.
 * `red` is the block's mean red (0-255) as a page or a decoder reads it back. The block is a quarter
 * of the picture's width and height, top left: read the middle of it (an eighth of each, from a sixteenth).
 */
export const clockSecondsOf = red => red / 255 * CLOCK_PERIOD_SECONDS

/**
 * Starts ffmpeg: `width`x`height` (1280x720) at 30 fps, VP8 at `videoKbps` with a key frame every
 * `keyframeSeconds`, and Opus; runs for `seconds` (or until stopped). With `clock`, the picture
 * carries the clock block (clockSecondsOf), so a viewer's delay is read off the picture it shows:
 * `startedAt` is when ffmpeg was started, the stream's time 0 (within its start-up time).
 */
export async function startMediaSource(options = {}) {
  const { videoKbps = 1500, keyframeSeconds = 1, seconds = 600, width = 1280, height = 720, clock = false, prerecorded = false } = options
  if (!ffmpegInstalled()) throw new Error('ffmpeg is not installed (apt-get install -y ffmpeg): it makes the stream these runs publish')
  const [video, audio] = await Promise.all([receiver(), receiver()])
  const port = socket => socket.address().port
  const pattern = `testsrc2=size=${width}x${height}:rate=30`
  // geq on a 16x9 grey, scaled up: a flat block costs nothing to draw and survives two encodings.
  const withClock = `${pattern}[p];color=c=black:size=16x9:rate=30,format=yuv420p,geq=lum='16+mod(T,${CLOCK_PERIOD_SECONDS})*219/${CLOCK_PERIOD_SECONDS}':cb=128:cr=128,scale=${width / 4}:${height / 4}[c];[p][c]overlay=0:0,format=yuv420p`
  const vp8 = [
    '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', `${videoKbps}k`,
    '-maxrate', `${videoKbps}k`, '-bufsize', `${videoKbps}k`, '-g', String(30 * keyframeSeconds), '-keyint_min', String(30 * keyframeSeconds),
  ]
  const opus = ['-c:a', 'libopus', '-b:a', '64k']
  const lavfi = ['-f', 'lavfi', '-i', clock ? withClock : pattern, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000']
  /** To the two RTP ports: the video (input 0) and the audio (`audioInput`: '1:a' of lavfi's two inputs, '0:a' of a file). */
  const rtpOut = (videoCodec, audioCodec, audioInput) => [
    '-map', '0:v', ...videoCodec, '-f', 'rtp', '-payload_type', '96', '-ssrc', '1111', `rtp://127.0.0.1:${port(video)}?pkt_size=1200`,
    '-map', audioInput, ...audioCodec, '-f', 'rtp', '-payload_type', '111', '-ssrc', '2222', `rtp://127.0.0.1:${port(audio)}?pkt_size=1200`,
  ]
  // Prerecorded: the same stream encoded once, then sent on a loop as it is. Encoding 720p live took
  // 1.2 of this box's two cores, more than the server it loads; a host's encoder runs on the host's
  // computer, not the server's.
  const input = prerecorded
    ? ['-stream_loop', '-1', '-i', recorded({ vp8, opus, lavfi, width, height, videoKbps, keyframeSeconds, clock })]
    : lavfi
  const startedAt = Date.now()
  const ffmpeg = spawn('ffmpeg', [
    '-loglevel', 'error', '-re', ...input,
    '-t', String(seconds),
    ...(prerecorded ? rtpOut(['-c:v', 'copy'], ['-c:a', 'copy'], '0:a') : rtpOut(vp8, opus, '1:a')),
  ], { stdio: ['ignore', 'ignore', 'inherit'] })
  return {
    startedAt,
    onPacket(kind, handler) {
      (kind === 'video' ? video : audio).on('message', handler)
    },
    stop() {
      ffmpeg.kill('SIGKILL')
      video.close()
      audio.close()
    },
  }
}

/** Seconds of the prerecorded stream: a whole number of key-frame intervals, so the loop starts on one. */
const RECORDED_SECONDS = 30

/** The file of a prerecorded stream (made once per machine and set of parameters, in the temporary folder). */
function recorded({ vp8, opus, lavfi, width, height, videoKbps, keyframeSeconds, clock }) {
  const file = join(tmpdir(), `wrencos-source-${width}x${height}-${videoKbps}k-g${keyframeSeconds}${clock ? '-clock' : ''}.webm`)
  if (existsSync(file)) return file
  const making = `${file}.${process.pid}.webm`
  const made = spawnSync('ffmpeg', ['-loglevel', 'error', '-y', ...lavfi, '-t', String(RECORDED_SECONDS), '-map', '0:v', ...vp8, '-map', '1:a', ...opus, making], { stdio: ['ignore', 'ignore', 'inherit'] })
  if (made.status !== 0) throw new Error(`ffmpeg could not record the source (${made.status})`)
  renameSync(making, file)
  return file
}
