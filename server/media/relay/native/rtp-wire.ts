import type { RtpPacket } from 'werift'

/** The abs-send-time header extension (webrtc.org): the sender's clock, for the receiver's bandwidth estimate (and REMB). */
export const ABS_SEND_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'

/** Seconds in 6.18 fixed point, 24 bits (it wraps every 64 s), as abs-send-time carries them. */
export const absSendTime = (ms: number) => Math.floor(ms * 262.144) & 0xFFFFFF

/** What one viewer's copy of a packet carries of its own: its stream's numbers and identity. */
export interface RtpStamp { seq: number, ts: number, ssrc: number, payloadType: number, marker: boolean }

/**
 * Where each packet is written: the native stack copies what it is given before its send returns,
 * so one buffer serves every viewer's every packet (a new one each, 30,000 a second at 130
 * viewers, was garbage for the relay's thread to collect).
 */
let scratch = Buffer.allocUnsafeSlow(2048)

/**
 * A forwarded packet as bytes for the native stack, which encrypts and sends what it is given: the
 * viewer's own sequence number, timestamp, SSRC and payload type, the publisher's CSRCs and
 * payload, and (when `extensionId` is set) abs-send-time as the only header extension. Padding is
 * not carried: the payload as parsed excludes it. The bytes are valid until the next call.
 */
export function rtpBytes(stamp: RtpStamp, packet: RtpPacket, extensionId: number | undefined, nowMs: number): Buffer {
  const csrc = packet.header.csrc
  const extension = extensionId ? 8 : 0
  const headerLength = 12 + csrc.length * 4 + extension
  const length = headerLength + packet.payload.length
  if (scratch.length < length) scratch = Buffer.allocUnsafeSlow(length * 2)
  const bytes = scratch.subarray(0, length)
  bytes[0] = 0x80 | (extension ? 0x10 : 0) | csrc.length
  bytes[1] = (stamp.marker ? 0x80 : 0) | stamp.payloadType
  bytes.writeUInt16BE(stamp.seq, 2)
  bytes.writeUInt32BE(stamp.ts >>> 0, 4)
  bytes.writeUInt32BE(stamp.ssrc >>> 0, 8)
  let at = 12
  for (const source of csrc) {
    bytes.writeUInt32BE(source >>> 0, at)
    at += 4
  }
  if (extensionId) {
    // RFC 8285's one-byte form: 0xBEDE, one 32-bit word, then id/length (3 bytes: length 2) and the value.
    bytes.writeUInt16BE(0xBEDE, at)
    bytes.writeUInt16BE(1, at + 2)
    bytes[at + 4] = (extensionId << 4) | 2
    bytes.writeUIntBE(absSendTime(nowMs), at + 5, 3)
    at += 8
  }
  packet.payload.copy(bytes, at)
  return bytes
}
