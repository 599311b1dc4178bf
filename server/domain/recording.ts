import { createWriteStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Transform, type Readable } from 'node:stream'
import { createError } from 'h3'
import type { ReplayRun } from '#shared/types/models'
import type { Store } from '../db'
import { newId } from '../db/ids'
import { NotWebmError, makeSeekable, type RecorderRun } from '../media/webm-seekable'
import { concatenateFiles, incomingDir, publishFile, recordingDir, removeQuietly, sniffMediaType } from '../utils/files'
import { findLivestream, setLivestreamMedia } from './livestreams'

export const MAX_CHUNK_BYTES = 64 * 1024 * 1024
const chunkName = (seq: number) => `${String(seq).padStart(8, '0')}.chunk`

/** A stream that fails once more than `limit` bytes have passed, so a body can never fill the disk. */
function byteLimit(limit: number) {
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length
      if (seen > limit) done(createError({ statusCode: 413, message: `a chunk is at most ${limit} bytes` }))
      else done(null, chunk)
    },
  })
}

/**
 * Keeps the seq-th MediaRecorder chunk of a stream's recording. Written to a temporary file and
 * renamed into place, so a chunk is either whole or absent; sending a seq again replaces it.
 */
export async function saveRecordingChunk(store: Store, livestreamId: string, seq: number, body: Readable) {
  const stream = await findLivestream(store, livestreamId)
  if (stream.status === 'scheduled') throw createError({ statusCode: 409, message: 'recording starts when the stream goes live' })
  const dir = recordingDir(livestreamId)
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

async function listChunks(livestreamId: string): Promise<number[]> {
  const names = await readdir(recordingDir(livestreamId)).catch(() => [] as string[])
  return names.filter(name => /^\d{8}\.chunk$/.test(name)).map(name => Number(name.slice(0, 8))).sort((a, b) => a - b)
}

/**
 * What the server holds of a stream's recording: a studio reopened after a crash continues at
 * `nextSeq`, and a host can see that the chunks sent before it are kept.
 */
export async function recordingStatus(store: Store, livestreamId: string) {
  const stream = await findLivestream(store, livestreamId)
  const dir = recordingDir(livestreamId)
  const seqs = await listChunks(livestreamId)
  const sizes = await Promise.all(seqs.map(seq => stat(join(dir, chunkName(seq))).then(info => info.size)))
  return {
    chunks: seqs.length,
    bytes: sizes.reduce((sum, size) => sum + size, 0),
    nextSeq: seqs.length ? seqs.at(-1)! + 1 : 0,
    missing: missingSeqs(seqs),
    videoUrl: stream.videoUrl ?? null,
  }
}

function missingSeqs(seqs: number[]): number[] {
  const present = new Set(seqs)
  return seqs.length ? Array.from({ length: seqs.at(-1)! + 1 }, (_, seq) => seq).filter(seq => !present.has(seq)) : []
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
 * while live or while a chunk in the middle is missing, so a hole is never published.
 */
export async function finalizeRecording(store: Store, livestreamId: string) {
  const stream = await findLivestream(store, livestreamId)
  if (stream.status !== 'ended') throw createError({ statusCode: 409, message: 'stop the stream before finalizing its recording' })
  const seqs = await listChunks(livestreamId)
  if (!seqs.length) {
    if (stream.videoUrl) return { videoUrl: stream.videoUrl }
    throw createError({ statusCode: 409, message: 'nothing was recorded' })
  }
  const missing = missingSeqs(seqs)
  if (missing.length) throw createError({ statusCode: 409, message: 'recording chunks are missing', data: { missing } })

  const dir = recordingDir(livestreamId)
  const mediaType = await sniffMediaType(join(dir, chunkName(0)))
  if (mediaType !== 'video/webm' && mediaType !== 'video/mp4') {
    throw createError({ statusCode: 415, message: 'the recording is not WebM or MP4' })
  }
  await mkdir(incomingDir(), { recursive: true })
  const joined = join(incomingDir(), `${newId()}.recording`)
  const paths = seqs.map(seq => join(dir, chunkName(seq)))
  try {
    // WebM from MediaRecorder is rewritten with its duration and cues so a replay can seek; MP4
    // (Safari's recorder writes fragmented MP4, which carries its own index) is joined as it is.
    let replayRuns: ReplayRun[] | undefined
    if (mediaType === 'video/webm') replayRuns = await replayRunsOf((await makeSeekable(paths, joined)).runs, stream.startTime ?? stream.createdAt)
    else await concatenateFiles(paths, joined)
    const videoUrl = await publishFile(joined, 'video', mediaType)
    await setLivestreamMedia(store, livestreamId, { videoUrl, replayRuns })
    // The chunks are now all inside the published file.
    await rm(dir, { recursive: true, force: true })
    return { videoUrl }
  }
  catch (error) {
    await removeQuietly(joined)
    if (error instanceof NotWebmError) throw createError({ statusCode: 415, message: error.message })
    throw error
  }
}
