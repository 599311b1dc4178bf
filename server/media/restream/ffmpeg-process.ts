import { spawn, spawnSync, type ChildProcess } from 'node:child_process'

/** Whether ffmpeg can be run here: restreaming (and encoder thumbnails) need it, nothing else does. */
export function ffmpegInstalled(): boolean {
  try {
    return spawnSync('ffmpeg', ['-version'], { stdio: 'ignore', timeout: 10_000 }).status === 0
  }
  catch {
    return false
  }
}

/**
 * An ffmpeg process whose stderr is kept as its last lines, with `secret` blanked out of them (a
 * stream key in a URL must never reach a log or a screen), and a stop that does not wait forever.
 */
export function runFfmpeg(args: string[], options: { secret?: string, onLine?: (line: string) => void } = {}) {
  const child: ChildProcess = spawn('ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const lines: string[] = []
  const clean = (text: string) => options.secret ? text.split(options.secret).join('***') : text
  let partial = ''
  child.stderr!.on('data', (data: Buffer) => {
    const [first, ...rest] = (partial + data.toString('utf8')).split(/\r?\n|\r/)
    const complete = rest.length ? [first!, ...rest.slice(0, -1)] : []
    partial = rest.length ? rest.at(-1)! : first!
    for (const raw of complete) {
      const line = clean(raw.trim())
      if (!line) continue
      lines.push(line)
      if (lines.length > 20) lines.shift()
      options.onLine?.(line)
    }
  })
  child.stdin!.on('error', () => {})
  return {
    child,
    /** The last thing ffmpeg said, for the studio: an error, usually. */
    lastLine: () => lines.at(-1) ?? '',
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 2000).unref()
    },
  }
}

/**
 * A live input is read as it comes (with `-fflags +nobuffer`): ffmpeg otherwise buffers up to 5 s of it to learn the streams
 * (analyzeduration) and then works through that backlog at full speed, so everything it writes
 * stays that far behind the show (and HLS's wall-clock stamps run ahead of the clock). What it
 * needs is in the first key frame: at most two seconds of looking.
 */
export const LIVE_INPUT = ['-analyzeduration', '2000000', '-probesize', '2000000']
