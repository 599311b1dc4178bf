import type { RTCPeerConnection, RTCRtpCodecParameters } from 'werift'
import type { MediaSource } from './media-source.mjs'

export const codecs: { video: RTCRtpCodecParameters[], audio: RTCRtpCodecParameters[] }
export function peer(): RTCPeerConnection
export function negotiate(pc: RTCPeerConnection, exchange: (offer: string) => Promise<string>): Promise<void>
export function connected(pc: RTCPeerConnection, timeoutMs?: number): Promise<void>
export function publishWithWerift(source: MediaSource, exchange: (offer: string) => Promise<string>, onVideo?: (packet: Buffer) => void): Promise<RTCPeerConnection>
