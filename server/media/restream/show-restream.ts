import { createSocket } from 'node:dgram'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DestinationStateName } from '#shared/types/models'
import { backoffDelay } from '#shared/utils/backoff'
import type { MediaBackend } from '../backend'
import { describeRtp, type RtpTarget, type ShowCodecs } from '../common/rtp-out'
import { LIVE_INPUT, runFfmpeg } from './ffmpeg-process'
import { CopyOutput, type CopyTarget } from './copy-output'

/** An even UDP port whose next one is free too: ffmpeg takes RTP on the port and RTCP on the next. */
async function freePortPair(host: string): Promise<number> {
  const bind = (port: number) => new Promise<ReturnType<typeof createSocket> | null>((resolve) => {
    const socket = createSocket('udp4')
    socket.once('error', () => resolve(null))
    socket.bind(port, host, () => resolve(socket))
  })
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + 2 * Math.floor(Math.random() * 20_000)
    const [rtp, rtcp] = [await bind(port), await bind(port + 1)]
    rtp?.close()
    rtcp?.close()
    if (rtp && rtcp) return port
  }
  throw new Error('no free UDP port pair for the restream')
}

/**
 * One show's restream on this process: the show's media as RTP to an ffmpeg that transcodes it
 * once (VP8 to H.264 with a key frame every second, Opus to AAC; H.264 is copied) into MPEG-TS,
 * whose bytes every output gets: each destination's push, and the HLS packager. The transcoder is started again if it stops while the show is pushed.
 */
export class ShowRestream {
  private readonly outputs = new Map<string, CopyOutput>()
  private transcoder?: ReturnType<typeof runFfmpeg>
  private dir?: string
  private stopped = false
  private restarts = 0
  private retry?: ReturnType<typeof setTimeout>

  constructor(private readonly livestreamId: string, private readonly media: MediaBackend, private readonly onState: (destinationId: string, state: DestinationStateName, error?: string) => void) {}

  /** Answers false when this process has none of the show's media (its publisher is elsewhere, or gone). */
  async start(): Promise<boolean> {
    const host = '127.0.0.1'
    const target: RtpTarget = { host, videoPort: await freePortPair(host), audioPort: await freePortPair(host) }
    const codecs = await this.media.forwardRtp(this.livestreamId, target)
    if (!codecs) return false
    this.dir = await mkdtemp(join(tmpdir(), 'wrencos-restream-'))
    const sdp = join(this.dir, 'show.sdp')
    await writeFile(sdp, describeRtp(codecs, target))
    this.transcode(sdp, codecs, target)
    return true
  }

  private transcode(sdp: string, codecs: ShowCodecs, target: RtpTarget) {
    if (this.stopped) return
    const copyVideo = codecs.video?.mimeType.toLowerCase() === 'video/h264'
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp',
      ...LIVE_INPUT, '-fflags', '+genpts+nobuffer', '-reorder_queue_size', '500', '-i', sdp,
      // RTMP ingests want sound: a show without it gets silence.
      ...(codecs.audio ? [] : ['-f', 'lavfi', '-i', 'anullsrc=channel_layout=stereo:sample_rate=44100']),
      '-map', '0:v:0', '-map', codecs.audio ? '0:a:0' : '1:a:0',
      ...(copyVideo
        ? ['-c:v', 'copy']
        : ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-b:v', '2500k', '-maxrate', '3000k', '-bufsize', '5000k', '-force_key_frames', 'expr:gte(t,n_forced*1)']),
      '-c:a', 'aac', '-b:a', '128k', '-ar', '44100', '-ac', '2',
      '-f', 'mpegts', '-muxdelay', '0', 'pipe:1',
    ]
    const run = runFfmpeg(args)
    this.transcoder = run
    run.child.stdout!.on('data', (chunk: Buffer) => {
      for (const output of this.outputs.values()) output.write(chunk)
    })
    run.child.on('exit', () => {
      if (this.transcoder !== run || this.stopped) return
      console.error(`[restream] the transcoder of ${this.livestreamId} stopped (${run.lastLine() || 'no message'}); starting it again`)
      this.retry = setTimeout(() => this.transcode(sdp, codecs, target), backoffDelay(this.restarts++, 1000, 15_000))
    })
    // The RTP sink asks the publisher for a key frame when it starts: started again now that ffmpeg listens.
    setTimeout(() => {
      if (this.transcoder === run) void this.media.forwardRtp(this.livestreamId, target).catch(() => {})
    }, 500).unref()
  }

  /** The outputs to copy to now (destinations, HLS): new ones start, removed ones stop; the others carry on untouched. */
  setOutputs(targets: Map<string, CopyTarget>) {
    for (const [id, output] of this.outputs) {
      if (targets.has(id)) continue
      output.stop()
      this.outputs.delete(id)
    }
    for (const [id, target] of targets) {
      if (!this.outputs.has(id)) this.outputs.set(id, new CopyOutput(target, (state, error) => this.onState(id, state, error)))
    }
  }

  async stop() {
    this.stopped = true
    clearTimeout(this.retry)
    for (const output of this.outputs.values()) output.stop()
    this.outputs.clear()
    this.transcoder?.stop()
    await this.media.forwardRtp(this.livestreamId, null).catch(() => {})
    if (this.dir) await rm(this.dir, { recursive: true, force: true })
  }
}
