import { ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback } from 'werift'

/**
 * A REMB (the receiver's estimate of what it can take) for `ssrcs`. The relay tells the publisher
 * it can take `bitsPerSecond`: without it Chromium's sender stays near its start bitrate and never
 * turns on its top simulcast layers (werift's transport-wide feedback made it collapse to the
 * lowest, measured). The publisher's own loss-based control still applies under the cap.
 */
export function remb(senderSsrc: number, ssrcs: number[], bitsPerSecond: number): RtcpPayloadSpecificFeedback {
  let exponent = 0
  while (bitsPerSecond / 2 ** exponent >= 2 ** 18) exponent++
  return new RtcpPayloadSpecificFeedback({
    feedback: new ReceiverEstimatedMaxBitrate({
      senderSsrc,
      mediaSsrc: 0,
      brExp: exponent,
      brMantissa: Math.floor(bitsPerSecond / 2 ** exponent),
      ssrcNum: ssrcs.length,
      ssrcFeedbacks: ssrcs,
    }),
  })
}
