import { RtpHeader, RtpPacket } from 'werift'

const SEQ = 0x10000
const TS = 0x100000000
const add16 = (a: number, b: number) => ((a + b) % SEQ + SEQ) % SEQ
const add32 = (a: number, b: number) => ((a + b) % TS + TS) % TS

/** One RTP packet of a source (a simulcast layer, or audio), as the publisher sent it. */
export interface SourcePacket {
  /** Which source: a simulcast rid, `single` for an unlayered video, `audio`. */
  source: string
  /** Bumped each time the publisher changes (a reconnect): sequence numbers and timestamps start anew. */
  epoch: number
  packet: RtpPacket
  /** Where a decoder can start: a key frame's first packet (always true for audio). */
  startable: boolean
  /** When it arrived (ms). */
  at: number
}

/**
 * The packets one viewer (or the recorder) gets of one kind of media: from the source it follows,
 * renumbered so that whatever the source, and however it changes (another simulcast layer, a
 * publisher who reconnected), the viewer sees one continuous stream. A switch happens only where
 * a decoder can start (a key frame), so it is seamless: sequence numbers go on from the last one
 * sent, and timestamps from the last one plus the time that passed.
 */
export class Forwarder {
  /** The source this forwarder wants; it switches at the next startable packet of it. */
  target: string
  private current?: { source: string, epoch: number }
  private seqOffset = 0
  private tsOffset = 0
  private last?: { seq: number, ts: number, at: number }
  forwarded = 0

  constructor(target: string, private readonly clockRate: number, private readonly send: (packet: RtpPacket) => void) {
    this.target = target
  }

  /** The source it is following now (undefined before its first key frame). */
  get following(): string | undefined {
    return this.current?.source
  }

  /** Whether it is waiting to switch (the caller asks the publisher for a key frame). */
  get waiting(): boolean {
    return this.current?.source !== this.target
  }

  handle({ source, epoch, packet, startable, at }: SourcePacket) {
    const current = this.current
    const switching = source === this.target && startable && (current?.source !== source || current.epoch !== epoch)
    if (switching) this.follow(source, epoch, packet, at)
    else if (current?.source !== source || current.epoch !== epoch) return
    const header = packet.header
    const seq = add16(header.sequenceNumber, this.seqOffset)
    const ts = add32(header.timestamp, this.tsOffset)
    this.last = { seq, ts, at }
    this.forwarded++
    // A header of its own per viewer: werift's sender rewrites the header it is given.
    this.send(new RtpPacket(new RtpHeader({
      padding: header.padding,
      marker: header.marker,
      payloadType: header.payloadType,
      sequenceNumber: seq,
      timestamp: ts,
      ssrc: header.ssrc,
      csrc: header.csrc,
    }), packet.payload))
  }

  private follow(source: string, epoch: number, packet: RtpPacket, at: number) {
    this.current = { source, epoch }
    const { sequenceNumber, timestamp } = packet.header
    if (!this.last) {
      this.seqOffset = 0
      this.tsOffset = 0
      return
    }
    // Carry on from the last packet sent: the next number, and as much later as time passed.
    this.seqOffset = add16(this.last.seq + 1, -sequenceNumber)
    const elapsed = Math.max(1, Math.round(((at - this.last.at) * this.clockRate) / 1000))
    this.tsOffset = add32(this.last.ts + elapsed, -timestamp)
  }
}
