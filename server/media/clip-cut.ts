import { ffmpegToFile } from './ffmpeg-file'

/**
 * Cuts `seconds` of a replay from `fromSeconds` without re-encoding (ffmpeg's stream copy): the cut
 * starts at the key frame at or before `fromSeconds`, so a clip may begin a little earlier than
 * asked where the recording's key frames are far apart. Answers false when ffmpeg is missing or
 * made nothing.
 */
export function cutClip(input: string, out: string, fromSeconds: number, seconds: number): Promise<boolean> {
  return ffmpegToFile(['-ss', String(fromSeconds), '-i', input, '-t', String(seconds), '-map', '0', '-c', 'copy', '-avoid_negative_ts', 'make_zero'], out, 120_000)
}
