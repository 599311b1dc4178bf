import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'

/**
 * Runs one ffmpeg that writes `out` (a thumbnail, a clip), killed after `timeoutMs`; answers whether
 * it finished and left a non-empty file. ffmpeg is optional at run time: without it, false.
 */
export async function ffmpegToFile(args: string[], out: string, timeoutMs: number): Promise<boolean> {
  const finished = await new Promise<boolean>((resolve) => {
    const ffmpeg = spawn('ffmpeg', ['-loglevel', 'error', '-nostdin', '-y', ...args, out], { stdio: 'ignore' })
    const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), timeoutMs)
    ffmpeg.on('error', () => resolve(false))
    ffmpeg.on('exit', (code) => {
      clearTimeout(timer)
      resolve(code === 0)
    })
  })
  return finished && ((await stat(out).catch(() => null))?.size ?? 0) > 0
}
