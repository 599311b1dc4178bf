import { open } from 'node:fs/promises'
import { ByteSource } from './byte-source'
import {
  ID, SEGMENT_LEVEL, UNKNOWN_SIZE, element, floatElement, header, idBytes, readId, readSize, readUint, uintElement,
} from './ebml'

// MediaRecorder writes WebM as it goes: no duration, no cues, clusters of unknown size. A player
// can play that from the start but cannot seek or show a length. `makeSeekable` rewrites the
// recording in two streaming passes: the first walks every cluster to learn the duration and where
// each keyframe cluster will land; the second writes
//   EBML header · Segment { SeekHead · Info (with Duration) · Tracks · Cues · Clusters (sized) }.
// A recording resumed after a crashed tab holds a second EBML header part way: its clusters are
// moved to follow the first part's, so the result is one continuous file.

interface ClusterPlan {
  /** The cluster's time in the output, in TimecodeScale ticks. */
  timecode: number
  /** Payload bytes in the output: the Timecode element plus every kept child. */
  bytes: number
  /** Time of the cluster's first block on the cue track, when that block is a keyframe. */
  cueTime?: number
}

interface Plan {
  ebmlHeader?: Buffer
  infoChildren: Buffer[]
  timecodeScale: number
  tracks?: Buffer
  /** The first run's track numbers by type: every run's blocks are numbered as these. */
  trackTypes?: Map<number, number>
  cueTrack?: number
  clusters: ClusterPlan[]
  /** The latest block time seen, in ticks. */
  lastTime: number
  /** Per part, where its last whole element ended: a part's torn tail is cut there. */
  validEnds: number[]
  /** Per part, where it begins and ends on the output's timeline, in ticks. */
  runTimes: Array<{ start: number, end: number }>
}

type Sink = (bytes: Buffer) => unknown

const TIMECODE_BYTES = uintElement(ID.Timecode, 0).length
const DROPPED_IN_CLUSTER = new Set<number>([ID.Position, ID.PrevSize, ID.Void, 0xBF])

async function readHeader(source: ByteSource) {
  if (!(await source.fill(1))) return null
  await source.fill(12)
  const head = source.peek(12)
  const id = readId(head)
  const size = id && readSize(head, id.length)
  if (!id || !size) return null
  source.take(id.length + size.length)
  return { id: id.id, size: size.size, headerBytes: id.length + size.length }
}

/** The child elements of a small master element's payload, as [id, payload, whole element]. */
function* children(payload: Buffer): Generator<[number, Buffer, Buffer]> {
  let at = 0
  while (at < payload.length) {
    const id = readId(payload, at)
    const size = id && readSize(payload, at + id.length)
    if (!id || !size || size.size === UNKNOWN_SIZE) return
    const start = at + id.length + size.length
    yield [id.id, payload.subarray(start, start + size.size), payload.subarray(at, start + size.size)]
    at = start + size.size
  }
}

/** Each track's number by its type (1 video, 2 audio), in the order the Tracks element lists them. */
function trackNumbersByType(tracksPayload: Buffer): Map<number, number> {
  const byType = new Map<number, number>()
  for (const [id, entry] of children(tracksPayload)) {
    if (id !== ID.TrackEntry) continue
    let number: number | undefined
    let type: number | undefined
    for (const [childId, value] of children(entry)) {
      if (childId === ID.TrackNumber) number = readUint(value)
      if (childId === ID.TrackType) type = readUint(value)
    }
    if (number !== undefined && type !== undefined && !byType.has(type)) byType.set(type, number)
  }
  return byType
}

/** The first video track's number, else the first track's: cues point at its keyframes. */
function cueTrackOf(byType: Map<number, number>): number | undefined {
  return byType.get(1) ?? byType.values().next().value
}

/**
 * How a later run's track numbers become the first run's. MediaRecorder numbers its tracks in the
 * order their first frames come out of the encoders, so a restarted recorder may well have audio
 * as 1 and video as 2 where the first had them the other way round: copied as they were, its
 * audio would be fed to the video decoder (Chromium: PIPELINE_ERROR_DECODE past the join).
 */
function trackMapping(first: Map<number, number>, run: Map<number, number>): Map<number, number> {
  const mapping = new Map<number, number>()
  for (const [type, number] of run) {
    const target = first.get(type)
    if (target !== undefined) mapping.set(number, target)
  }
  return mapping
}

/** Track number, relative time and flags at the start of a (Simple)Block payload. */
function blockHead(bytes: Buffer) {
  if (!bytes.length) return null
  const track = readSize(bytes)
  if (!track || bytes.length < track.length + 3) return null
  return { track: track.size, relative: bytes.readInt16BE(track.length), flags: bytes[track.length + 2]! }
}

/**
 * Reads the head of a block about to be copied and numbers its track as the first run does, in
 * place: `bytes` are the source's own, so the copy carries the change. `keep` is false for a
 * block of a track the first run does not have (nowhere to put it).
 */
function renumberBlock(id: number, bytes: Buffer, mapping: Map<number, number> | null) {
  const at = blockStart(id, bytes)
  const head = at === null ? null : blockHead(bytes.subarray(at))
  if (!head || !mapping) return { head, keep: true }
  const track = mapping.get(head.track)
  if (track === undefined) return { head: null, keep: false }
  if (track === head.track) return { head, keep: true }
  // MediaRecorder numbers tracks 1 and 2: one-byte numbers, so the new one fits where the old was.
  if (track > 126 || head.track > 126) return { head: null, keep: false }
  bytes[at!] = 0x80 | track
  return { head: { ...head, track }, keep: true }
}

/** Where a block's track and time begin in its element: a BlockGroup holds them in its Block child. */
function blockStart(id: number, payload: Buffer): number | null {
  if (id === ID.SimpleBlock) return 0
  if (payload[0] !== ID.Block) return null
  const size = readSize(payload, 1)
  return size ? 1 + size.length : null
}

/**
 * Splits the chunk files into recorder runs. MediaRecorder cuts chunks anywhere, even inside a
 * block, so a run that ended with a crash may stop mid-element; only the chunk files' own
 * boundaries show where the next run (starting with its EBML header) begins.
 */
async function recorderRuns(paths: string[]): Promise<string[][]> {
  const runs: string[][] = []
  for (const path of paths) {
    const handle = await open(path, 'r')
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0).finally(() => handle.close())
    const head = buffer.subarray(0, bytesRead)
    const startsRun = head.length >= 4 && head.readUInt32BE(0) === ID.EBML && /webm|matroska/.test(head.toString('latin1'))
    if (startsRun || !runs.length) runs.push([path])
    else runs.at(-1)!.push(path)
  }
  return runs
}

/**
 * Walks the recording once, run by run. Without a sink it only plans; with one (and the plan of a
 * first walk) it writes every kept cluster, sized and timed as planned.
 */
async function walk(runs: string[][], sink?: Sink, planned?: Plan): Promise<Plan> {
  const plan: Plan = { infoChildren: [], timecodeScale: 1_000_000, clusters: [], lastTime: 0, validEnds: [], runTimes: [] }
  const state = { shift: 0 }
  for (const [index, run] of runs.entries()) {
    plan.validEnds[index] = await walkRun(new ByteSource(run), plan, state, planned?.validEnds[index] ?? Infinity, sink, planned)
    // The shift moves only at a run's own EBML header, its first element: it is where the run begins.
    plan.runTimes[index] = { start: state.shift, end: Math.max(state.shift, plan.lastTime) }
  }
  return plan
}

/** Walks one recorder run into `plan`; answers where its last whole element ended. */
async function walkRun(source: ByteSource, plan: Plan, state: { shift: number }, stopAt: number, sink?: Sink, planned?: Plan) {
  let validEnd = 0
  let cluster: (ClusterPlan & { sourceTime: number, end: number, seenCueTrack: boolean }) | null = null
  /** This run's track numbers as the first run's; set from its Tracks, which precede its clusters. */
  let mapping: Map<number, number> | null = null
  /** Passes one whole child of a cluster through, re-headed with an 8-byte size. */
  const copy = async (id: number, size: number) => {
    if (sink) await sink(header(id, size))
    if (!(await source.pipe(size, sink ?? (() => {})))) return false
    cluster!.bytes += idBytes(id).length + 8 + size
    return true
  }
  try {
    for (;;) {
      const start = source.offset
      const head = await readHeader(source)
      if (!head || start >= stopAt) break
      const { id, size } = head
      if (cluster && (SEGMENT_LEVEL.has(id) || start >= cluster.end)) cluster = null
      const end = size === UNKNOWN_SIZE ? Infinity : source.offset + size
      if (size !== UNKNOWN_SIZE && end > stopAt) break

      if (cluster) {
        if (size === UNKNOWN_SIZE) break
        if (id === ID.Timecode) {
          if (!(await source.fill(size))) break
          cluster.sourceTime = readUint(source.take(size))
          cluster.timecode = state.shift + cluster.sourceTime
        }
        else if (id === ID.SimpleBlock || id === ID.BlockGroup) {
          if (!(await source.fill(Math.min(size, 16)))) break
          const { head: block, keep } = renumberBlock(id, source.peek(Math.min(size, 16)), mapping)
          if (!keep) {
            if (!(await source.pipe(size, () => {}))) break
          }
          else if (!(await copy(id, size))) break
          if (block) {
            const time = cluster.timecode + block.relative
            plan.lastTime = Math.max(plan.lastTime, time)
            if (block.track === plan.cueTrack && !cluster.seenCueTrack) {
              cluster.seenCueTrack = true
              if (id === ID.SimpleBlock && block.flags & 0x80) cluster.cueTime = time
            }
          }
        }
        else if (DROPPED_IN_CLUSTER.has(id)) {
          if (!(await source.pipe(size, () => {}))) break
        }
        else if (!(await copy(id, size))) break
      }
      else if (id === ID.Segment) {
        // Entered, not skipped: its children are walked as the top level.
      }
      else if (id === ID.Cluster) {
        const index = plan.clusters.length
        cluster = { timecode: state.shift, sourceTime: 0, bytes: TIMECODE_BYTES, end, seenCueTrack: false }
        plan.clusters.push(cluster)
        if (sink && planned) {
          const target = planned.clusters[index]!
          await sink(Buffer.concat([header(ID.Cluster, target.bytes), uintElement(ID.Timecode, target.timecode)]))
        }
      }
      else {
        if (size === UNKNOWN_SIZE || !(await source.fill(size))) break
        const payload = source.take(size)
        if (id === ID.EBML) {
          // A later run: the recorder was restarted, and its clock starts at zero again.
          if (plan.ebmlHeader) state.shift = plan.lastTime + Math.round(40e6 / plan.timecodeScale)
          else plan.ebmlHeader = element(ID.EBML, payload)
        }
        else if (id === ID.Info && !plan.infoChildren.length) {
          for (const [childId, value, whole] of children(payload)) {
            if (childId === ID.TimecodeScale) plan.timecodeScale = readUint(value)
            if (childId !== ID.Duration) plan.infoChildren.push(Buffer.from(whole))
          }
        }
        else if (id === ID.Tracks) {
          const byType = trackNumbersByType(payload)
          if (!plan.trackTypes) {
            plan.tracks = element(ID.Tracks, payload)
            plan.trackTypes = byType
            plan.cueTrack = cueTrackOf(byType)
          }
          mapping = trackMapping(plan.trackTypes, byType)
        }
      }
      validEnd = source.offset
    }
  }
  finally {
    await source.close()
  }
  return validEnd
}

function seekHead(entries: Array<[number, number]>): Buffer {
  return element(ID.SeekHead, ...entries.map(([id, position]) =>
    element(ID.Seek, element(ID.SeekID, idBytes(id)), uintElement(ID.SeekPosition, position))))
}

function cues(points: Array<[time: number, position: number]>, track: number): Buffer {
  return element(ID.Cues, ...points.map(([time, position]) => element(ID.CuePoint,
    uintElement(ID.CueTime, time),
    element(ID.CueTrackPositions, uintElement(ID.CueTrack, track), uintElement(ID.CueClusterPosition, position)))))
}

/** Buffers writes into large pieces: a recording has many small blocks. */
async function fileSink(path: string) {
  const file = await open(path, 'w')
  let pending: Buffer[] = []
  let pendingBytes = 0
  const flush = async () => {
    if (pendingBytes) await file.write(Buffer.concat(pending, pendingBytes))
    pending = []
    pendingBytes = 0
  }
  return {
    // The pieces are views of buffers nobody writes to again (ByteSource reads into fresh ones),
    // so they are kept as they are until the write, not copied.
    write: async (bytes: Buffer) => {
      pending.push(bytes)
      pendingBytes += bytes.length
      if (pendingBytes >= 256 * 1024) await flush()
    },
    close: async () => {
      try {
        await flush()
        await file.sync()
      }
      finally {
        await file.close()
      }
    },
  }
}

export class NotWebmError extends Error {}

/** One recorder run of the output: its chunk files, and where it begins and ends, in seconds. */
export interface RecorderRun { paths: string[], startSeconds: number, endSeconds: number }

/**
 * Writes the WebM recording held in `paths` (MediaRecorder chunks, in order) to `target` as one
 * seekable file, and answers its duration and its recorder runs. Memory stays bounded whatever
 * the recording's length.
 */
export async function makeSeekable(paths: string[], target: string): Promise<{ durationSeconds: number, runs: RecorderRun[] }> {
  const runs = await recorderRuns(paths)
  const plan = await walk(runs)
  if (!plan.ebmlHeader || !plan.tracks || plan.cueTrack === undefined || !plan.clusters.length) {
    throw new NotWebmError('the recording holds no playable WebM')
  }
  const info = element(ID.Info, ...plan.infoChildren, floatElement(ID.Duration, plan.lastTime))
  let points = plan.clusters.flatMap((cluster, index) => cluster.cueTime === undefined ? [] : [[cluster.cueTime, index]])
  // Without a keyframe on record, the first cluster is still a place to start from.
  if (!points.length) points = [[plan.clusters[0]!.timecode, 0]]

  const headLength = seekHead([[ID.Info, 0], [ID.Tracks, 0], [ID.Cues, 0]]).length
  const cuesAt = headLength + info.length + plan.tracks.length
  let position = cuesAt + cues(points.map(() => [0, 0]), plan.cueTrack).length
  const clusterAt = plan.clusters.map((cluster) => {
    const at = position
    position += idBytes(ID.Cluster).length + 8 + cluster.bytes
    return at
  })
  const head = Buffer.concat([
    plan.ebmlHeader,
    header(ID.Segment, position),
    seekHead([[ID.Info, headLength], [ID.Tracks, headLength + info.length], [ID.Cues, cuesAt]]),
    info,
    plan.tracks,
    cues(points.map(([time, index]) => [time!, clusterAt[index!]!]), plan.cueTrack),
  ])

  const sink = await fileSink(target)
  try {
    await sink.write(head)
    await walk(runs, sink.write, plan)
  }
  finally {
    await sink.close()
  }
  const seconds = (ticks: number) => ticks * plan.timecodeScale / 1e9
  return {
    durationSeconds: seconds(plan.lastTime),
    runs: runs.map((paths, index) => ({ paths, startSeconds: seconds(plan.runTimes[index]!.start), endSeconds: seconds(plan.runTimes[index]!.end) })),
  }
}
