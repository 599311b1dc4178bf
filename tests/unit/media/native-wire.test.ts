// What the native viewer stack writes and reads itself: RTP with the viewer's own numbers and
// abs-send-time, the RTCP it acts on (PLI, FIR, REMB, loss in reports), its sender reports, and
// the codecs it answers from a real Chromium offer. Checked against werift's own parsers.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { PictureLossIndication, ReceiverEstimatedMaxBitrate, RtcpPacketConverter, RtcpPayloadSpecificFeedback, RtcpReceiverInfo, RtcpRrPacket, RtcpSrPacket, RtpHeader, RtpPacket } from 'werift'
import { offeredMedia, payloadTypeFor } from '../../../server/media/relay/native/offer-media'
import { readFeedback, senderReport } from '../../../server/media/relay/native/rtcp-wire'
import { absSendTime, rtpBytes } from '../../../server/media/relay/native/rtp-wire'

const OFFER = readFileSync(new URL('../../fixtures/chromium-whep-offer.sdp', import.meta.url), 'utf8')

describe('the native stack\'s RTP', () => {
  const source = new RtpPacket(new RtpHeader({ payloadType: 100, sequenceNumber: 7, timestamp: 1000, ssrc: 42, marker: false, csrc: [5, 6] }), Buffer.from('a picture'))

  it('carries the viewer\'s numbers, SSRC and payload type, the publisher\'s CSRCs and payload, and abs-send-time', () => {
    const bytes = rtpBytes({ seq: 65535, ts: 0xFFFFFFF0, ssrc: 0xDEADBEEF, payloadType: 96, marker: true }, source, 2, 1500)
    const parsed = RtpPacket.deSerialize(bytes)
    expect(parsed.header).toMatchObject({ version: 2, padding: false, extension: true, marker: true, payloadType: 96, sequenceNumber: 65535, timestamp: 0xFFFFFFF0, ssrc: 0xDEADBEEF, csrc: [5, 6] })
    expect(parsed.header.extensions).toEqual([{ id: 2, payload: Buffer.from([0x06, 0x00, 0x00]) }])
    expect(absSendTime(1500)).toBe(0x060000)
    expect(parsed.payload.toString()).toBe('a picture')
  })

  it('has no extension where the viewer offered none', () => {
    const parsed = RtpPacket.deSerialize(rtpBytes({ seq: 1, ts: 2, ssrc: 3, payloadType: 111, marker: false }, source, undefined, 0))
    expect(parsed.header.extension).toBe(false)
    expect(parsed.payload.toString()).toBe('a picture')
  })
})

describe('the native stack\'s RTCP', () => {
  const serialize = (...packets: { serialize(): Buffer }[]) => Buffer.concat(packets.map(packet => packet.serialize()))

  it('reads a picture loss (PLI or FIR), the estimate of a REMB and the video\'s loss in a compound packet', () => {
    const rr = new RtcpRrPacket({ ssrc: 1, reports: [new RtcpReceiverInfo({ ssrc: 99, fractionLost: 64, packetsLost: 3, highestSequence: 10, jitter: 0, lsr: 0, dlsr: 0 }), new RtcpReceiverInfo({ ssrc: 7, fractionLost: 128, packetsLost: 0, highestSequence: 1, jitter: 0, lsr: 0, dlsr: 0 })] })
    const remb = new RtcpPayloadSpecificFeedback({ feedback: new ReceiverEstimatedMaxBitrate({ senderSsrc: 1, mediaSsrc: 0, brExp: 3, brMantissa: 150_000, ssrcNum: 1, ssrcFeedbacks: [7] }) })
    const pli = new RtcpPayloadSpecificFeedback({ feedback: new PictureLossIndication({ senderSsrc: 1, mediaSsrc: 7 }) })
    expect(readFeedback(serialize(rr, remb, pli), 7)).toEqual({ pictureLoss: true, estimate: 1_200_000, fractionLost: 0.5 })
    expect(readFeedback(serialize(rr), 7)).toEqual({ pictureLoss: false, fractionLost: 0.5 })
    // RFC 5104's FIR (PSFB, FMT 4), which werift does not write: sender, media 0, then one FCI entry.
    const fir = Buffer.from([0x84, 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 1, 0, 0, 0])
    expect(readFeedback(fir, 7).pictureLoss).toBe(true)
  })

  it('skips what is not RTCP, or is cut short, without throwing', () => {
    expect(readFeedback(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), 7)).toEqual({ pictureLoss: false })
    const pli = new RtcpPayloadSpecificFeedback({ feedback: new PictureLossIndication({ senderSsrc: 1, mediaSsrc: 7 }) }).serialize()
    expect(readFeedback(pli.subarray(0, 6), 7)).toEqual({ pictureLoss: false })
    expect(readFeedback(Buffer.alloc(0), 7)).toEqual({ pictureLoss: false })
  })

  it('writes a sender report werift reads back: the wall clock in NTP, the stream\'s clock, its counts', () => {
    const at = Date.UTC(2026, 11, 5, 22, 0, 0, 250)
    const [report] = RtcpPacketConverter.deSerialize(senderReport(0xCAFEBABE, 123456, 10, 9000, at)) as RtcpSrPacket[]
    expect(report).toBeInstanceOf(RtcpSrPacket)
    expect(report!.ssrc).toBe(0xCAFEBABE)
    expect(report!.senderInfo).toMatchObject({ rtpTimestamp: 123456, packetCount: 10, octetCount: 9000 })
    const ntp = report!.senderInfo.ntpTimestamp
    expect(Number(ntp >> 32n)).toBe(Math.floor(at / 1000) + 2_208_988_800)
    expect(Number(ntp & 0xFFFFFFFFn) / 2 ** 32).toBeCloseTo(0.25, 6)
  })
})

describe('what the native stack answers from a Chromium offer', () => {
  const media = offeredMedia(OFFER)

  it('finds the video and audio sections, what they receive and their abs-send-time id', () => {
    expect(media.map(({ kind, mid, receives, absSendTimeId }) => ({ kind, mid, receives, absSendTimeId }))).toEqual([
      { kind: 'video', mid: '0', receives: true, absSendTimeId: 2 },
      { kind: 'audio', mid: '1', receives: true, absSendTimeId: 2 },
    ])
  })

  it('picks the viewer\'s payload type for the show\'s codec: VP8, Opus, and H.264 of the publisher\'s profile and packetization', () => {
    const [video, audio] = media
    expect(payloadTypeFor(video!, { mimeType: 'video/VP8', clockRate: 90000 })).toBe(96)
    expect(payloadTypeFor(audio!, { mimeType: 'audio/opus', clockRate: 48000, channels: 2 })).toBe(111)
    expect(payloadTypeFor(video!, { mimeType: 'video/H264', clockRate: 90000, parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' })).toBe(108)
    expect(payloadTypeFor(video!, { mimeType: 'video/H264', clockRate: 90000, parameters: 'packetization-mode=1;profile-level-id=4d0032' })).toBe(116)
    expect(payloadTypeFor(video!, { mimeType: 'video/AV2', clockRate: 90000 })).toBeUndefined()
  })

  it('counts a section that only sends, or is rejected, as receiving nothing', () => {
    const sendonly = offeredMedia(OFFER.replace(/a=recvonly/g, 'a=sendonly'))
    expect(sendonly.every(entry => !entry.receives)).toBe(true)
    const rejected = offeredMedia(OFFER.replace('m=video 9 ', 'm=video 0 '))
    expect(rejected[0]!.receives).toBe(false)
  })
})
