import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ID } from '../../../server/media/ebml'
import { NotWebmError, makeSeekable } from '../../../server/media/webm-seekable'
import { child, readSeekableWebm, swapTrackNumbers, uint } from '../../support/webm'

// The fixture is four one-second chunks from Chromium's MediaRecorder (tests/fixtures/record-fixture.mjs).
const FIXTURE = join(__dirname, '../../fixtures/recording')
const chunks = readdirSync(FIXTURE).filter(name => name.endsWith('.webm')).sort().map(name => join(FIXTURE, name))
const work = mkdtempSync(join(tmpdir(), 'webm-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

async function seekable(paths: string[]) {
  const target = join(work, `${Math.random()}.webm`)
  const { durationSeconds } = await makeSeekable(paths, target)
  return { durationSeconds, ...readSeekableWebm(readFileSync(target)) }
}

describe('makeSeekable', () => {
  it('writes the duration, sized clusters and a cue for every keyframe cluster', async () => {
    const out = await seekable(chunks)
    expect(out.durationSeconds).toBeGreaterThan(3)
    expect(out.durationSeconds).toBeLessThan(5)
    expect(out.durationTicks / 1000).toBeCloseTo(out.durationSeconds, 3)
    expect(out.top.map(element => element.id).slice(0, 4)).toEqual([ID.SeekHead, ID.Info, ID.Tracks, ID.Cues])
    expect(out.clusters.length).toBeGreaterThan(0)
    expect(out.cuePoints.length).toBeGreaterThan(0)
    for (const point of out.cuePoints) {
      const [positions] = child(out.bytes, point, ID.CueTrackPositions)
      const position = uint(out.bytes, child(out.bytes, positions!, ID.CueClusterPosition)[0]!)
      // A cue's position is counted from the start of the Segment's payload and lands on a Cluster.
      expect(out.bytes.readUInt32BE(out.segment.dataStart + position)).toBe(ID.Cluster)
    }
    // Every block of the source is still there: only headers and sizes were rewritten.
    const sourceBytes = chunks.reduce((sum, path) => sum + readFileSync(path).length, 0)
    expect(out.bytes.length).toBeGreaterThan(sourceBytes)
    expect(out.bytes.length).toBeLessThan(sourceBytes * 1.1)
  })

  it('cuts a torn last chunk at its last whole element', async () => {
    const torn = join(work, 'torn.webm')
    const last = readFileSync(chunks.at(-1)!)
    writeFileSync(torn, last.subarray(0, Math.floor(last.length / 2)))
    const whole = await seekable(chunks)
    const out = await seekable([...chunks.slice(0, -1), torn])
    expect(out.durationSeconds).toBeLessThan(whole.durationSeconds)
    expect(out.durationSeconds).toBeGreaterThan(2)
  })

  it('joins a recording restarted after a crash into one timeline', async () => {
    const single = await seekable(chunks)
    const again = chunks.map((path, index) => {
      const copy = join(work, `again-${index}.webm`)
      copyFileSync(path, copy)
      return copy
    })
    const target = join(work, 'joined-runs.webm')
    const { runs } = await makeSeekable([...chunks, ...again], target)
    const out = { ...readSeekableWebm(readFileSync(target)), durationSeconds: runs.at(-1)!.endSeconds }
    expect(out.durationSeconds).toBeGreaterThan(single.durationSeconds * 2 - 0.1)
    // Each run is reported with its files and its place in the output: the second follows the first.
    expect(runs.map(run => run.paths)).toEqual([chunks, again])
    expect(runs[0]!.startSeconds).toBe(0)
    expect(runs[0]!.endSeconds).toBeCloseTo(single.durationSeconds, 3)
    expect(runs[1]!.startSeconds).toBeGreaterThan(runs[0]!.endSeconds)
    expect(runs[1]!.endSeconds - runs[1]!.startSeconds).toBeCloseTo(single.durationSeconds, 3)
    expect(out.clusters.length).toBe(single.clusters.length * 2)
    const times = out.clusterTimes
    expect([...times].sort((a, b) => a - b)).toEqual(times)
    expect(times[single.clusters.length]).toBeGreaterThan(single.durationTicks)
  })

  it('numbers a restarted recorder\'s tracks as the first run does', async () => {
    // A second recorder that numbered audio and video the other way round: joined as it was, its
    // audio would reach the video decoder. Renumbered, the result is the one of two equal runs.
    const swapped = join(work, 'swapped.webm')
    const whole = Buffer.concat(chunks.map(path => readFileSync(path)))
    writeFileSync(swapped, swapTrackNumbers(whole))
    expect(swapTrackNumbers(whole).equals(whole)).toBe(false)
    const copy = join(work, 'whole.webm')
    writeFileSync(copy, whole)
    const same = join(work, 'same-order.webm')
    const renumbered = join(work, 'renumbered.webm')
    await makeSeekable([...chunks, copy], same)
    await makeSeekable([...chunks, swapped], renumbered)
    expect(readFileSync(renumbered).equals(readFileSync(same))).toBe(true)
  })

  it('keeps a run that a crash cut inside a block, and the run after it', async () => {
    // MediaRecorder cuts chunks anywhere, so the first run ends mid-block here.
    const single = await seekable(chunks)
    const out = await seekable([...chunks.slice(0, 2), ...chunks])
    expect(readFileSync(chunks[1]!).readUInt32BE(0)).not.toBe(ID.EBML)
    expect(out.durationSeconds).toBeGreaterThan(single.durationSeconds + 1)
    expect(out.clusterTimes.at(-1)).toBeGreaterThan(single.clusterTimes.at(-1)!)
  })

  it('refuses bytes that are not WebM', async () => {
    const junk = join(work, 'junk.bin')
    writeFileSync(junk, Buffer.from('this is not a video at all'))
    await expect(makeSeekable([junk], join(work, 'junk.webm'))).rejects.toBeInstanceOf(NotWebmError)
  })
})
