import { RTCRtpCodecParameters, useAbsSendTime, useFIR, useNACK, usePLI, useREMB, useRepairedRtpStreamId, useSdesMid, useSdesRTPStreamId, type PeerConfig } from 'werift'
import type { CodecChoice } from '../common/codec'

/** Where the relay's ICE candidates come from (README, "The media relay in production"). */
export interface RelayNetwork {
  /** Candidates on 127.0.0.1 too: for a relay and its viewers on one machine (dev, tests). */
  loopback: boolean
  /** UDP ports the relay may bind, e.g. [40000, 40199]. */
  portRange?: [number, number]
  /** The address viewers reach the relay at, behind a 1:1 NAT or in a container: announced as a candidate too. */
  publicIp?: string
}

const feedback = () => [useNACK(), usePLI(), useFIR(), useREMB()]

/** The codecs a publisher may send: VP8 (browsers) and H.264 (OBS and most encoders), Opus audio. */
export const PUBLISH_CODECS = {
  video: () => [
    new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: feedback() }),
    new RTCRtpCodecParameters({ mimeType: 'video/H264', clockRate: 90000, rtcpFeedback: feedback(), parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f' }),
  ],
  audio: () => [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
}

export function codecOf({ payloadType: _publishers, ...choice }: CodecChoice) {
  return new RTCRtpCodecParameters({ ...choice, rtcpFeedback: choice.mimeType.startsWith('video/') ? feedback() : [] })
}

/**
 * A werift peer connection's configuration. Simulcast needs the mid and rid header extensions;
 * abs-send-time lets each side see the other's send times (a viewer's bandwidth estimate, the
 * benchmark's delay). No transport-wide congestion control: werift's feedback made Chromium's
 * estimate collapse (see rtcp.ts); REMB stands in for it.
 */
export function peerConfig(network: RelayNetwork, codecs: { video: RTCRtpCodecParameters[], audio: RTCRtpCodecParameters[] }): Partial<PeerConfig> {
  return {
    codecs,
    // No STUN server of werift's default (Google's); werift-no-stun.mjs stops the one its ICE falls back to.
    iceServers: [],
    headerExtensions: {
      video: [useSdesMid(), useSdesRTPStreamId(), useRepairedRtpStreamId(), useAbsSendTime()],
      audio: [useSdesMid(), useAbsSendTime()],
    },
    ...(network.loopback ? { iceAdditionalHostAddresses: ['127.0.0.1'] } : {}),
    ...(network.portRange ? { icePortRange: network.portRange } : {}),
  }
}

/**
 * The answer as the relay sends it: with each IPv4 host candidate also announced at the public
 * address (same port), for a relay behind a 1:1 NAT that forwards those ports to it.
 */
export function announce(sdp: string, network: RelayNetwork): string {
  if (!network.publicIp) return sdp
  const lines = sdp.split('\r\n')
  const out: string[] = []
  for (const line of lines) {
    out.push(line)
    const host = /^a=candidate:(\S+) (\d) (udp|tcp) (\d+) (\d{1,3}(?:\.\d{1,3}){3}) (\d+) typ host(.*)$/i.exec(line)
    if (host && host[5] !== network.publicIp) {
      out.push(`a=candidate:${host[1]}p ${host[2]} ${host[3]} ${Math.max(1, Number(host[4]) - 1)} ${network.publicIp} ${host[6]} typ host${host[7]}`)
    }
  }
  return out.join('\r\n')
}
