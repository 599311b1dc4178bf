// Reads a finalized (seekable) WebM back, element by element, to check what finalize wrote: the
// unit tests of the rewrite and the e2e tests of a real recording both look through this.
import { expect } from 'vitest'
import { ID, readId, readSize, readUint } from '../../server/media/ebml'

export interface Element { id: number, start: number, dataStart: number, size: number }

/** The elements of `bytes[from, to)`, one level deep; every one must have a known size. */
export function elements(bytes: Buffer, from = 0, to = bytes.length): Element[] {
  const found: Element[] = []
  for (let at = from; at < to;) {
    const id = readId(bytes, at)!
    const size = readSize(bytes, at + id.length)!
    expect(size.size, `element 0x${id.id.toString(16)} has a known size`).toBeGreaterThanOrEqual(0)
    const dataStart = at + id.length + size.length
    found.push({ id: id.id, start: at, dataStart, size: size.size })
    at = dataStart + size.size
  }
  expect(found.at(-1)!.dataStart + found.at(-1)!.size).toBe(to)
  return found
}

export const child = (bytes: Buffer, parent: Element, id: number) =>
  elements(bytes, parent.dataStart, parent.dataStart + parent.size).filter(element => element.id === id)

export const uint = (bytes: Buffer, element: Element) => readUint(bytes.subarray(element.dataStart, element.dataStart + element.size))

/** The parts of a seekable WebM a player relies on: the duration, the clusters and the cues. */
export function readSeekableWebm(bytes: Buffer) {
  const [ebml, segment] = elements(bytes)
  expect(ebml!.id).toBe(ID.EBML)
  expect(segment!.id).toBe(ID.Segment)
  const top = elements(bytes, segment!.dataStart, segment!.dataStart + segment!.size)
  const info = top.find(element => element.id === ID.Info)!
  const [duration] = child(bytes, info, ID.Duration)
  const clusters = top.filter(element => element.id === ID.Cluster)
  const cuePoints = child(bytes, top.find(element => element.id === ID.Cues)!, ID.CuePoint)
  return {
    bytes, segment: segment!, top, clusters, cuePoints,
    durationTicks: bytes.readDoubleBE(duration!.dataStart),
    clusterTimes: clusters.map(cluster => uint(bytes, child(bytes, cluster, ID.Timecode)[0]!)),
    cueTimes: cuePoints.map(point => uint(bytes, child(bytes, point, ID.CueTime)[0]!)),
  }
}

// Elements whose children are walked, not skipped, when renumbering tracks.
const CONTAINERS = new Set<number>([ID.Segment, ID.Cluster, ID.Tracks, ID.TrackEntry, ID.BlockGroup])

/**
 * A whole MediaRecorder WebM with its track numbers 1 and 2 swapped, in the Tracks element and in
 * every block: the same recording as a recorder that had numbered its tracks the other way round.
 */
export function swapTrackNumbers(source: Buffer): Buffer {
  const bytes = Buffer.from(source)
  const swap = (at: number, mark: number) => {
    if (bytes[at] === (mark | 1)) bytes[at] = mark | 2
    else if (bytes[at] === (mark | 2)) bytes[at] = mark | 1
  }
  for (let at = 0; at < bytes.length;) {
    const id = readId(bytes, at)!
    const size = readSize(bytes, at + id.length)!
    const dataStart = at + id.length + size.length
    if (CONTAINERS.has(id.id)) {
      at = dataStart
      continue
    }
    if (id.id === ID.TrackNumber) swap(dataStart, 0)
    if (id.id === ID.SimpleBlock || id.id === ID.Block) swap(dataStart, 0x80)
    at = dataStart + size.size
  }
  return bytes
}
