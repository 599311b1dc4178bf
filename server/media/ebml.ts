// The few pieces of EBML (the binary format under WebM/Matroska) needed to make MediaRecorder's
// output seekable: element ids, variable-length integers, and encoders for fixed-width elements.
// Fixed widths keep every written element's size independent of its value, so offsets can be
// computed before the values are known.

/** Element ids, with their marker bits, as they appear in the file. */
export const ID = {
  EBML: 0x1A45DFA3,
  Segment: 0x18538067,
  SeekHead: 0x114D9B74,
  Seek: 0x4DBB,
  SeekID: 0x53AB,
  SeekPosition: 0x53AC,
  Info: 0x1549A966,
  TimecodeScale: 0x2AD7B1,
  Duration: 0x4489,
  Tracks: 0x1654AE6B,
  TrackEntry: 0xAE,
  TrackNumber: 0xD7,
  TrackType: 0x83,
  Cluster: 0x1F43B675,
  Timecode: 0xE7,
  SimpleBlock: 0xA3,
  BlockGroup: 0xA0,
  Block: 0xA1,
  Position: 0xA7,
  PrevSize: 0xAB,
  Cues: 0x1C53BB6B,
  CuePoint: 0xBB,
  CueTime: 0xB3,
  CueTrackPositions: 0xB7,
  CueTrack: 0xF7,
  CueClusterPosition: 0xF1,
  Void: 0xEC,
} as const

/** Elements that live directly in a Segment: meeting one ends a Cluster whose size is unknown. */
export const SEGMENT_LEVEL = new Set<number>([
  ID.EBML, ID.Segment, ID.SeekHead, ID.Info, ID.Tracks, ID.Cluster, ID.Cues,
  0x1043A770 /* Chapters */, 0x1254C367 /* Tags */, 0x1941A469 /* Attachments */,
])

export const UNKNOWN_SIZE = -1

/** The byte length of a variable-length integer, from its first byte (0 when the byte is invalid). */
export function vintLength(first: number): number {
  for (let length = 1; length <= 8; length++) if (first & (0x80 >> (length - 1))) return length
  return 0
}

/** An element id: the vint's bytes with the marker kept. */
export function readId(bytes: Buffer, at = 0): { id: number, length: number } | null {
  const length = vintLength(bytes[at]!)
  if (!length || length > 4 || bytes.length < at + length) return null
  return { id: bytes.readUIntBE(at, length), length }
}

/** An element size: the vint's value with the marker removed; all ones means "unknown". */
export function readSize(bytes: Buffer, at = 0): { size: number, length: number } | null {
  const length = vintLength(bytes[at]!)
  if (!length || bytes.length < at + length) return null
  let value = bytes[at]! & (0xFF >> length)
  let allOnes = value === (0xFF >> length)
  for (let i = 1; i < length; i++) {
    value = value * 256 + bytes[at + i]!
    allOnes &&= bytes[at + i] === 0xFF
  }
  return { size: allOnes ? UNKNOWN_SIZE : value, length }
}

/** Reads a big-endian unsigned integer payload (up to 8 bytes, exact below 2^53). */
export function readUint(payload: Buffer): number {
  let value = 0
  for (const byte of payload) value = value * 256 + byte
  return value
}

export function idBytes(id: number): Buffer {
  const length = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1
  const bytes = Buffer.alloc(length)
  bytes.writeUIntBE(id, 0, length)
  return bytes
}

/** A size written in 8 bytes, whatever its value. */
export function sizeBytes(size: number): Buffer {
  const bytes = Buffer.alloc(8)
  bytes.writeUInt32BE(Math.floor(size / 2 ** 32), 0)
  bytes.writeUInt32BE(size % 2 ** 32, 4)
  bytes[0] = 0x01
  return bytes
}

/** An element header: id then 8-byte size. */
export function header(id: number, size: number): Buffer {
  return Buffer.concat([idBytes(id), sizeBytes(size)])
}

export function element(id: number, ...children: Buffer[]): Buffer {
  const payload = Buffer.concat(children)
  return Buffer.concat([header(id, payload.length), payload])
}

export function uintElement(id: number, value: number): Buffer {
  const payload = Buffer.alloc(8)
  payload.writeUInt32BE(Math.floor(value / 2 ** 32), 0)
  payload.writeUInt32BE(value % 2 ** 32, 4)
  return element(id, payload)
}

export function floatElement(id: number, value: number): Buffer {
  const payload = Buffer.alloc(8)
  payload.writeDoubleBE(value, 0)
  return element(id, payload)
}
