/** Whether an H.264 RTP payload (RFC 6184) starts something a decoder can begin at: an SPS or an IDR slice. */
export function h264Startable(payload: Uint8Array): boolean {
  if (payload.length < 2) return false
  const type = payload[0]! & 0x1F
  if (type === 5 || type === 7) return true
  if (type === 28) return (payload[1]! & 0x80) !== 0 && [5, 7].includes(payload[1]! & 0x1F) // FU-A start
  if (type === 24) { // STAP-A: aggregated NAL units, each with a 2-byte size
    for (let at = 1; at + 2 < payload.length;) {
      const size = (payload[at]! << 8) | payload[at + 1]!
      if ([5, 7].includes(payload[at + 2]! & 0x1F)) return true
      at += 2 + size
    }
  }
  return false
}
