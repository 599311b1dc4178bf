/**
 * The answer's SDP with a start bitrate for every video codec (`x-google-start-bitrate`, in
 * kbit/s), read by Chromium's sender when the studio applies the answer.
 */
export function withStartBitrate(sdp: string, kbps: number): string {
  const lines = sdp.split('\r\n')
  let inVideo = false
  const videoPayloads = new Set<string>()
  for (const line of lines) {
    if (line.startsWith('m=')) inVideo = line.startsWith('m=video')
    const rtpmap = /^a=rtpmap:(\d+) (VP8|VP9|H264|AV1)\//i.exec(line)
    if (inVideo && rtpmap) videoPayloads.add(rtpmap[1]!)
  }
  const withFmtp = new Set<string>()
  const out = lines.map((line) => {
    const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(line)
    if (!fmtp || !videoPayloads.has(fmtp[1]!)) return line
    withFmtp.add(fmtp[1]!)
    if (fmtp[2]!.includes('x-google-start-bitrate')) return line
    return `${line};x-google-start-bitrate=${kbps}`
  })
  // A codec without an fmtp line (VP8 often has none) gets one after its rtpmap.
  return out.flatMap((line) => {
    const rtpmap = /^a=rtpmap:(\d+) /.exec(line)
    const payload = rtpmap?.[1]
    return payload && videoPayloads.has(payload) && !withFmtp.has(payload) ? [line, `a=fmtp:${payload} x-google-start-bitrate=${kbps}`] : [line]
  }).join('\r\n')
}
