import type { DestinationStateName } from '#shared/types/models'
import { backoffDelay } from '#shared/utils/backoff'
import { LIVE_INPUT, runFfmpeg } from './ffmpeg-process'

/** A copy that never got going this many times in a row (a wrong URL or key): it stops, `failed`. */
const ATTEMPTS_BEFORE_FAILED = 3
/** An output this far behind (a slow network) loses data rather than holding the others up. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024

/** Where a copy goes: ffmpeg's output options and target, and a secret to keep out of its messages. */
export interface CopyTarget { output: string[], secret?: string }

/** An RTMP(S) destination's output: FLV, the key in the URL (and blanked from every message). */
export const rtmpOutput = (target: { url: string, key: string }): CopyTarget => ({
  output: ['-bsf:a', 'aac_adtstoasc', '-f', 'flv', '-flvflags', 'no_duration_filesize', target.url],
  secret: target.key,
})

/**
 * One output of a show's restream: an ffmpeg that copies the show's transcoded MPEG-TS (written to
 * it by the show's restream) into FLV over RTMP(S) for a destination, or into HLS segments. A copy
 * that drops is started again with backoff and picks the stream up at its next key frame; one
 * that never got going, three times running, is `failed` with ffmpeg's own words. Another
 * output's trouble never touches it.
 */
export class CopyOutput {
  state: DestinationStateName = 'connecting'
  private process?: ReturnType<typeof runFfmpeg>
  private failures = 0
  private everLive = false
  private stopped = false
  private retry?: ReturnType<typeof setTimeout>

  constructor(private readonly target: CopyTarget, private readonly onState: (state: DestinationStateName, error?: string) => void) {
    this.start()
  }

  private set(state: DestinationStateName, error?: string) {
    this.state = state
    this.onState(state, error)
  }

  private start() {
    if (this.stopped) return
    this.set(this.everLive ? 'retrying' : 'connecting')
    const run = runFfmpeg(['-hide_banner', '-nostdin', '-loglevel', 'info', ...LIVE_INPUT, '-fflags', '+nobuffer', '-f', 'mpegts', '-i', 'pipe:0', '-c', 'copy', ...this.target.output], {
      secret: this.target.secret,
      // The output is open once ffmpeg describes it: the server took the connection and the key.
      onLine: (line) => {
        if (line.startsWith('Output #0') && this.state !== 'live') {
          this.everLive = true
          this.failures = 0
          this.set('live')
        }
      },
    })
    this.process = run
    run.child.on('exit', () => {
      if (this.process !== run || this.stopped) return
      this.process = undefined
      this.failures++
      const error = run.lastLine() || 'the push stopped'
      if (!this.everLive && this.failures >= ATTEMPTS_BEFORE_FAILED) return this.set('failed', error)
      this.set('retrying', error)
      this.retry = setTimeout(() => this.start(), backoffDelay(this.failures - 1, 1000, 15_000))
    })
  }

  /** The show's next bytes; a push that is not running (or far behind) skips them. */
  write(chunk: Buffer) {
    const stdin = this.process?.child.stdin
    if (!stdin || stdin.destroyed || stdin.writableLength > MAX_BUFFERED_BYTES) return
    stdin.write(chunk)
  }

  stop() {
    this.stopped = true
    clearTimeout(this.retry)
    this.process?.child.stdin?.end()
    this.process?.stop()
  }
}
