import type { CodecChoice } from '../../common/codec'
import { ABS_SEND_TIME } from './rtp-wire'

/** One media section of a viewer's offer, as the native stack's answer needs it. */
export interface OfferedMedia {
  kind: 'audio' | 'video'
  mid: string
  /** Whether the viewer takes media here (recvonly or sendrecv, not rejected). */
  receives: boolean
  formats: { payloadType: number, name: string, clockRate: number, fmtp: string }[]
  /** The id it gave abs-send-time, if it offered it. */
  absSendTimeId?: number
}

/** The offer's audio and video sections (others, such as a data channel, are left out). */
export function offeredMedia(sdp: string): OfferedMedia[] {
  const sections = sdp.split(/\r?\nm=/).slice(1)
  const media: OfferedMedia[] = []
  for (const section of sections) {
    const lines = section.split(/\r?\n/)
    const [kind, port] = lines[0]!.split(' ')
    if (kind !== 'audio' && kind !== 'video') continue
    const mid = lines.find(line => line.startsWith('a=mid:'))?.slice(6).trim()
    if (!mid) continue
    const direction = lines.find(line => /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line))?.slice(2) ?? 'sendrecv'
    const fmtp = new Map<number, string>()
    for (const line of lines) {
      const match = /^a=fmtp:(\d+) (.*)$/.exec(line)
      if (match) fmtp.set(Number(match[1]), match[2]!)
    }
    const formats = lines.flatMap((line) => {
      const match = /^a=rtpmap:(\d+) ([\w-]+)\/(\d+)/.exec(line)
      return match ? [{ payloadType: Number(match[1]), name: match[2]!, clockRate: Number(match[3]), fmtp: fmtp.get(Number(match[1])) ?? '' }] : []
    })
    const extension = lines.map(line => /^a=extmap:(\d+)(?:\/\w+)? (\S+)/.exec(line)).find(match => match?.[2] === ABS_SEND_TIME)
    media.push({ kind, mid, receives: port !== '0' && (direction === 'recvonly' || direction === 'sendrecv'), formats, absSendTimeId: extension ? Number(extension[1]) : undefined })
  }
  return media
}

const fmtpValue = (fmtp: string, key: string) => new RegExp(`(?:^|;)\\s*${key}=([^;]+)`).exec(fmtp)?.[1]?.trim().toLowerCase()

/**
 * The viewer's payload type for the show's codec: same name and clock rate; for H.264 the same
 * packetization mode and, where the viewer offers it, the same profile (what the publisher sends
 * is forwarded as it is, so the viewer must decode exactly that).
 */
export function payloadTypeFor(media: OfferedMedia, codec: CodecChoice): number | undefined {
  const name = codec.mimeType.split('/')[1]!.toLowerCase()
  const same = media.formats.filter(format => format.name.toLowerCase() === name && format.clockRate === codec.clockRate)
  if (name !== 'h264') return same[0]?.payloadType
  const wanted = codec.parameters ?? ''
  const mode = fmtpValue(wanted, 'packetization-mode') ?? '0'
  const profile = fmtpValue(wanted, 'profile-level-id')?.slice(0, 4)
  const modeMatches = same.filter(format => (fmtpValue(format.fmtp, 'packetization-mode') ?? '0') === mode)
  return (modeMatches.find(format => fmtpValue(format.fmtp, 'profile-level-id')?.slice(0, 4) === profile) ?? modeMatches[0])?.payloadType
}
