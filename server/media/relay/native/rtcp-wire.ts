// The RTCP a native viewer session reads and writes itself. libdatachannel encrypts and decrypts
// it and answers NACKs (RtcpNackResponder); what the relay acts on (a picture lost, the viewer's
// estimate, its loss) and the sender reports that let a browser line audio up with video are here.

const SR = 200
const RR = 201
const PSFB = 206
const PLI = 1
const FIR = 4
const AFB = 15
/** Seconds from 1900 (NTP's epoch) to 1970. */
const NTP_EPOCH_OFFSET = 2_208_988_800

/** What a viewer's RTCP said about the video it is sent. */
export interface ViewerFeedback {
  /** It lost a picture (PLI, FIR): it needs a key frame. */
  pictureLoss: boolean
  /** Its estimate of what its connection carries (REMB), bits/s. */
  estimate?: number
  /** The fraction of the video it lost since its last report (0-1). */
  fractionLost?: number
}

/** Reads a compound RTCP packet (as decrypted); what is not understood is skipped, never thrown on. */
export function readFeedback(data: Uint8Array, videoSsrc: number): ViewerFeedback {
  const feedback: ViewerFeedback = { pictureLoss: false }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  let at = 0
  while (at + 4 <= data.length) {
    const count = data[at]! & 0x1F
    const type = data[at + 1]!
    const length = (view.getUint16(at + 2) + 1) * 4
    if (data[at]! >> 6 !== 2 || at + length > data.length) break
    if (type === RR || type === SR) {
      // Report blocks of 24 bytes each, after the sender's SSRC (and an SR's 20 bytes of sender info).
      const blocks = at + (type === SR ? 28 : 8)
      for (let block = 0; block < count && blocks + block * 24 + 24 <= at + length; block++) {
        const start = blocks + block * 24
        if (view.getUint32(start) === videoSsrc) feedback.fractionLost = data[start + 4]! / 256
      }
    }
    else if (type === PSFB && (count === PLI || count === FIR)) {
      feedback.pictureLoss = true
    }
    else if (type === PSFB && count === AFB && length >= 20 && String.fromCharCode(data[at + 12]!, data[at + 13]!, data[at + 14]!, data[at + 15]!) === 'REMB') {
      const exponent = data[at + 17]! >> 2
      const mantissa = ((data[at + 17]! & 0x03) << 16) | view.getUint16(at + 18)
      feedback.estimate = mantissa * 2 ** exponent
    }
    at += length
  }
  return feedback
}

/** A sender report (RFC 3550 6.4.1): at wall-clock `nowMs` the stream's clock read `rtpTimestamp`. */
export function senderReport(ssrc: number, rtpTimestamp: number, packets: number, octets: number, nowMs: number): Buffer {
  const report = Buffer.alloc(28)
  report[0] = 0x80
  report[1] = SR
  report.writeUInt16BE(6, 2)
  report.writeUInt32BE(ssrc >>> 0, 4)
  const seconds = Math.floor(nowMs / 1000)
  report.writeUInt32BE((seconds + NTP_EPOCH_OFFSET) >>> 0, 8)
  report.writeUInt32BE(Math.floor(((nowMs % 1000) / 1000) * 0x100000000) >>> 0, 12)
  report.writeUInt32BE(rtpTimestamp >>> 0, 16)
  report.writeUInt32BE(packets >>> 0, 20)
  report.writeUInt32BE(octets >>> 0, 24)
  return report
}
