import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'

/**
 * Cuts `seconds` of a replay from `fromSeconds` without re-encoding (ffmpeg's stream copy): the cut
 * starts at the key frame at or before `fromSeconds`, so a clip may begin a little earlier than
 * asked where the recording's key frames are far apart. Answers false when ffmpeg is missing or
 * made nothing.
 */
export async function cutClip(input: string, out: string, fromSeconds: number, seconds: number): Promise<boolean> {
  const made = await new Promise<boolean>((resolve) => {
    const ffmpeg = spawn('ffmpeg', [
      '-loglevel', 'error', '-nostdin', '-y', '-ss', String(fromSeconds), '-i', input, '-t', String(seconds),
      '-map', '0', '-c', 'copy', '-avoid_negative_ts', 'make_zero', out,
    ], { stdio: 'ignore' })
    const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), 120_000)
    ffmpeg.on('error', () => resolve(false))
    ffmpeg.on('exit', (code) => {
      clearTimeout(timer)
      resolve(code === 0)
    })
  })
  return made && ((await stat(out).catch(() => null))?.size ?? 0) > 0
}
