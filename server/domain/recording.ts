import { createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform, type Readable } from 'node:stream'
import { z } from 'zod'
import { Id } from '#shared/schemas/common'
import type { ReplayRun } from '#shared/types/models'
import { newId } from '../db/ids'
import { chunkName, listChunks } from '../media/chunks'
import { NotWebmError, makeSeekable, type RecorderRun } from '../media/webm-seekable'
import { concatenateFiles, publishFile, readHead, removeQuietly, sniffBytes } from '../utils/files'
import type { Core } from './core'
import { DomainError } from './errors'
import { findLivestream, setLivestreamMedia } from './livestreams'

export const MAX_CHUNK_BYTES = 64 * 1024 * 1024
/**
 * Chunk numbers run below this: 50,000 chunks of 2 s is over 27 hours. Unbounded, one PUT of
 * seq 10,000,000 made the status answer list ten million missing chunks (79 MB, 600 MB of memory).
 */
export const MAX_CHUNK_SEQ = 50_000

/** PUT /recording/:seq's path: the show and the chunk's number. */
export const RecordingChunkParams = z.object({ id: Id, seq: z.coerce.number().int().min(0).max(MAX_CHUNK_SEQ - 1) })
/** Made (exclusively) in a show's recording folder while it is being finalized, by whichever process does it. */
const FINALIZING = '.finalizing'
/** A claim older than this was left by a process that died while finalizing. */
const STALE_CLAIM_MS = 10 * 60 * 1000

/** A stream that fails once more than `limit` bytes have passed, so a body can never fill the disk. */
function byteLimit(limit: number) {
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length
      if (seen > limit) done(new DomainError('too_large', `a chunk is at most ${limit} bytes`))
      else done(null, chunk)
    },
  })
}

/**
 * Keeps the seq-th MediaRecorder chunk of a stream's recording. Written to a temporary file and
 * renamed into place, so a chunk is either whole or absent; sending a seq again replaces it.
 */
export async function saveRecordingChunk(core: Core, livestreamId: string, seq: number, body: Readable) {
  const stream = await findLivestream(core, livestreamId)
  if (stream.status === 'scheduled') throw new DomainError('conflict', 'recording starts when the stream goes live')
  // Once the replay is saved it is final: a late chunk and another finalize must not replace it.
  if (stream.status === 'ended' && stream.videoUrl) throw new DomainError('conflict', 'this show\'s replay is saved; it takes no more chunks')
  const dir = core.paths.recording(livestreamId)
  if (await claimAge(dir) !== null) throw new DomainError('conflict', 'this show\'s replay is being saved')
  await mkdir(dir, { recursive: true })
  const temp = join(dir, `${chunkName(seq)}.${newId()}.tmp`)
  try {
    await pipeline(body, byteLimit(MAX_CHUNK_BYTES), createWriteStream(temp))
    await rename(temp, join(dir, chunkName(seq)))
  }
  catch (error) {
    await removeQuietly(temp)
    throw error
  }
}

/**
 * What the server holds of a stream's recording: a studio reopened after a crash continues at
 * `nextSeq`, and a host can see that the chunks sent before it are kept.
 */
export async function recordingStatus(core: Core, livestreamId: string) {
  const stream = await findLivestream(core, livestreamId)
  const dir = core.paths.recording(livestreamId)
  const seqs = await listChunks(dir)
  const sizes = await Promise.all(seqs.map(seq => stat(join(dir, chunkName(seq))).then(info => info.size)))
  return {
    chunks: seqs.length,
    bytes: sizes.reduce((sum, size) => sum + size, 0),
    nextSeq: seqs.length ? seqs.at(-1)! + 1 : 0,
    missing: missingRanges(seqs),
    videoUrl: stream.videoUrl ?? null,
  }
}

/** The chunk numbers below the highest that never arrived, as ranges: their count is bounded by the chunks held, not by the highest number. */
export function missingRanges(seqs: number[]): { from: number, to: number }[] {
  const ranges: { from: number, to: number }[] = []
  let expected = 0
  for (const seq of seqs) {
    if (seq > expected) ranges.push({ from: expected, to: seq - 1 })
    expected = seq + 1
  }
  return ranges
}

/** How old the finalize claim in `dir` is, or null when there is none. */
async function claimAge(dir: string): Promise<number | null> {
  const info = await stat(join(dir, FINALIZING)).catch(() => null)
  return info ? Date.now() - info.mtimeMs : null
}

/**
 * Claims `dir` for finalizing, across processes (an exclusive create is atomic on one filesystem);
 * a claim left by a dead process is taken over. Answers the function that lets it go.
 */
async function claimForFinalize(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, FINALIZING)
  try {
    await (await open(path, 'wx')).close()
  }
  catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error
    const age = await claimAge(dir)
    if (age !== null && age < STALE_CLAIM_MS) throw new DomainError('conflict', 'this show\'s replay is being saved')
    await writeFile(path, '')
  }
  return () => removeQuietly(path)
}

/**
 * When each recorder run was recorded, on the server's clock, so that the replay's chapters land
 * where their products were shown. The first run began at go-live. A later one (the studio came
 * back after its tab died) is dated from its last chunk: that file was written when the chunk
 * arrived, about when its last frame was recorded, so the run began its own length earlier.
 */
async function replayRunsOf(runs: RecorderRun[], startTime: string): Promise<ReplayRun[]> {
  const dated: ReplayRun[] = []
  for (const [index, run] of runs.entries()) {
    const lengthSeconds = run.endSeconds - run.startSeconds
    let at = Date.parse(startTime)
    if (index > 0) {
      const previous = dated[index - 1]!
      const arrived = (await stat(run.paths.at(-1)!)).mtimeMs
      at = Math.max(Date.parse(previous.at) + previous.lengthSeconds * 1000, arrived - lengthSeconds * 1000)
    }
    dated.push({ at: new Date(at).toISOString(), replaySeconds: run.startSeconds, lengthSeconds })
  }
  return dated
}

/**
 * Joins the chunks 0..n into one file under /uploads and sets the stream's `videoUrl`. Refuses
 * while live or while a chunk in the middle is missing, so a hole is never published. One finalize
 * at a time per show: in this process a second one waits and answers the first one's replay; in
 * another process it is refused while the first holds its claim.
 */
export function finalizeRecording(core: Core, livestreamId: string): Promise<{ videoUrl: string }> {
  return core.locks.run(`finalize:${livestreamId}`, () => finalizeNow(core, livestreamId))
}

async function finalizeNow(core: Core, livestreamId: string): Promise<{ videoUrl: string }> {
  const stream = await findLivestream(core, livestreamId)
  if (stream.status !== 'ended') throw new DomainError('conflict', 'stop the stream before finalizing its recording')
  const dir = core.paths.recording(livestreamId)
  const seqs = await listChunks(dir)
  if (!seqs.length) {
    if (stream.videoUrl) return { videoUrl: stream.videoUrl }
    throw new DomainError('conflict', 'nothing was recorded')
  }
  const missing = missingRanges(seqs)
  if (missing.length) throw new DomainError('conflict', 'recording chunks are missing', { missing })
  const release = await claimForFinalize(dir)
  try {
    return await joinAndPublish(core, stream, dir, seqs)
  }
  finally {
    await release()
  }
}

async function joinAndPublish(core: Core, stream: Awaited<ReturnType<typeof findLivestream>>, dir: string, seqs: number[]) {
  const livestreamId = stream.id
  const first = join(dir, chunkName(0))
  const head = await readHead(first, 16)
  const mediaType = sniffBytes(head)
  if (mediaType !== 'video/webm' && mediaType !== 'video/mp4') {
    // What part 0 starts with, for whoever has to find out which recorder sent it.
    const bytes = (await stat(first)).size
    throw new DomainError('unsupported', 'the recording is not WebM or MP4', { chunk: 0, bytes, head: head.toString('hex') })
  }
  await mkdir(core.paths.incoming, { recursive: true })
  const joined = join(core.paths.incoming, `${newId()}.recording`)
  const paths = seqs.map(seq => join(dir, chunkName(seq)))
  try {
    // WebM from MediaRecorder is rewritten with its duration and cues so a replay can seek; MP4
    // (Safari's recorder writes fragmented MP4, which carries its own index) is joined as it is.
    let replayRuns: ReplayRun[] | undefined
    if (mediaType === 'video/webm') replayRuns = await replayRunsOf((await makeSeekable(paths, joined)).runs, stream.startTime ?? stream.createdAt)
    else await concatenateFiles(paths, joined)
    const videoUrl = await publishFile(core.paths, joined, 'video', mediaType)
    await setLivestreamMedia(core, livestreamId, { videoUrl, replayRuns })
    // The chunks are now all inside the published file.
    await rm(dir, { recursive: true, force: true })
    return { videoUrl }
  }
  catch (error) {
    await removeQuietly(joined)
    if (error instanceof NotWebmError) throw new DomainError('unsupported', error.message)
    throw error
  }
}
