// The ffmpeg VP8 + Opus source lives with the benchmarks (bench/lib, plain JS for node); the tests
// use the same one.
import { ffmpegInstalled } from '../../bench/lib/media-source.mjs'

export { startMediaSource, type MediaSource } from '../../bench/lib/media-source.mjs'

/**
 * Whether the tests that publish real media can run. On a developer's machine without ffmpeg they
 * are skipped; in CI (.ci/run installs it) a missing ffmpeg fails them instead of skipping them.
 */
export const haveFfmpeg = !!process.env.CI || ffmpegInstalled()
