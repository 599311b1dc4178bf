import { ffmpegToFile } from './ffmpeg-file'

/**
 * Draws one frame of a WebM as a 640-pixel-wide JPEG with ffmpeg, the frame at `atSeconds` or the
 * last one before the input ends. `inputs` are read as one byte stream (ffmpeg's concat protocol),
 * so the first chunks of a recording in progress serve as well as a whole replay. ffmpeg is
 * optional at run time: answers false when it is not installed or drew nothing.
 */
export function grabFrame(inputs: string[], out: string, atSeconds: number): Promise<boolean> {
  const input = inputs.length === 1 ? inputs[0]! : `concat:${inputs.join('|')}`
  return ffmpegToFile([
    '-i', input,
    // Not -ss: a recording in progress has no cues to seek by. select keeps the frames from
    // atSeconds on; -update writes each over the last, so a short input still gives its last frame.
    '-vf', `select='gte(t,${atSeconds})+eq(n,0)',scale=640:-2`, '-fps_mode', 'vfr', '-frames:v', '2', '-update', '1', '-q:v', '4',
  ], out, 20_000)
}
