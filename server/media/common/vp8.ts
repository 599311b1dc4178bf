/**
 * What the relay needs to know of a VP8 RTP payload (RFC 7741): where a frame starts, whether it
 * is a key frame, and a key frame's size. The payload is never changed.
 */
export interface Vp8Info {
  /** The first packet of a frame (S bit set, partition 0). */
  frameStart: boolean
  /** The first packet of a key frame: a viewer can start, or switch layers, here. */
  keyframe: boolean
  /** A key frame's picture size, from its frame header. */
  width?: number
  height?: number
}

/** Skips the payload descriptor: its length, or -1 when the packet is too short to hold one. */
function descriptorLength(payload: Uint8Array): number {
  if (payload.length < 1) return -1
  let at = 1
  if (payload[0]! & 0x80) {
    // X: an extension byte, then what it announces.
    if (payload.length < 2) return -1
    const extension = payload[1]!
    at = 2
    if (extension & 0x80) at += (payload[at]! & 0x80) ? 2 : 1 // I: a 7- or 15-bit picture id
    if (extension & 0x40) at += 1 // L: TL0PICIDX
    if (extension & 0x30) at += 1 // T or K: TID / KEYIDX
  }
  return at <= payload.length ? at : -1
}

export function vp8Info(payload: Uint8Array): Vp8Info {
  const at = descriptorLength(payload)
  if (at < 0) return { frameStart: false, keyframe: false }
  const frameStart = (payload[0]! & 0x10) !== 0 && (payload[0]! & 0x0F) === 0
  // The frame header's first bit is P: 0 for a key frame.
  const keyframe = frameStart && payload.length > at && (payload[at]! & 0x01) === 0
  if (!keyframe || payload.length < at + 10) return { frameStart, keyframe }
  // A key frame's header: 3 bytes of frame tag, the start code 9d 01 2a, then 14-bit width and height.
  const header = at + 3
  if (payload[header] !== 0x9D || payload[header + 1] !== 0x01 || payload[header + 2] !== 0x2A) return { frameStart, keyframe }
  const width = (payload[header + 3]! | (payload[header + 4]! << 8)) & 0x3FFF
  const height = (payload[header + 5]! | (payload[header + 6]! << 8)) & 0x3FFF
  return { frameStart, keyframe, width, height }
}
