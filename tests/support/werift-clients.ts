// WebRTC clients that are not browsers, on werift: a publisher sending a MediaSource (as OBS would
// through WHIP) and a viewer that counts what it gets (as a WHEP player would).
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, type RtpPacket } from 'werift'
import { vp8Info } from '../../server/media/relay/vp8'
import type { MediaSource } from './media-source'

const codecs = {
  video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, payloadType: 96, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] })],
  audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 })],
}

/** Waits until the connection's ICE gathering is complete (non-trickle: the offer carries every candidate). */
async function gathered(pc: RTCPeerConnection) {
  if (pc.iceGatheringState === 'complete') return
  await new Promise<void>((resolve) => {
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') {
        unSubscribe()
        resolve()
      }
    })
  })
}

/** Offers with `exchange` (a WHIP or WHEP POST answering the SDP answer), and applies the answer. */
async function negotiate(pc: RTCPeerConnection, exchange: (offer: string) => Promise<string>) {
  await pc.setLocalDescription(await pc.createOffer())
  await gathered(pc)
  const answer = await exchange(pc.localDescription!.sdp)
  await pc.setRemoteDescription({ type: 'answer', sdp: answer })
}

export async function connected(pc: RTCPeerConnection, timeoutMs = 10_000) {
  if (pc.connectionState === 'connected') return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected within ${timeoutMs} ms (${pc.connectionState})`)), timeoutMs)
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        clearTimeout(timer)
        resolve()
      }
    })
  })
}

/** A publisher that sends `source`'s VP8 and Opus. */
export async function publishWithWerift(source: MediaSource, exchange: (offer: string) => Promise<string>) {
  const pc = new RTCPeerConnection({ codecs, iceAdditionalHostAddresses: ['127.0.0.1'] })
  const video = new MediaStreamTrack({ kind: 'video' })
  const audio = new MediaStreamTrack({ kind: 'audio' })
  pc.addTransceiver(video, { direction: 'sendonly' })
  pc.addTransceiver(audio, { direction: 'sendonly' })
  source.onPacket('video', packet => video.writeRtp(packet))
  source.onPacket('audio', packet => audio.writeRtp(packet))
  await negotiate(pc, exchange)
  await connected(pc)
  return pc
}

export interface WatchedMedia {
  pc: RTCPeerConnection
  video: { packets: number, bytes: number, keyframes: number, firstAt?: number, lost: number }
  audio: { packets: number }
  close(): Promise<void>
}

/** A viewer that receives and counts: packets, bytes, lost sequence numbers, key frames. */
export async function watchWithWerift(exchange: (offer: string) => Promise<string>): Promise<WatchedMedia> {
  const pc = new RTCPeerConnection({ codecs, iceAdditionalHostAddresses: ['127.0.0.1'] })
  pc.addTransceiver('video', { direction: 'recvonly' })
  pc.addTransceiver('audio', { direction: 'recvonly' })
  const watched: WatchedMedia = {
    pc,
    video: { packets: 0, bytes: 0, keyframes: 0, lost: 0 },
    audio: { packets: 0 },
    close: () => pc.close(),
  }
  let lastSeq: number | undefined
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((packet: RtpPacket) => {
      if (track.kind === 'audio') {
        watched.audio.packets++
        return
      }
      const video = watched.video
      video.packets++
      video.bytes += packet.payload.length
      video.firstAt ??= Date.now()
      const seq = packet.header.sequenceNumber
      if (lastSeq !== undefined) {
        const gap = (seq - lastSeq + 0x10000) % 0x10000
        if (gap > 1 && gap < 1000) video.lost += gap - 1
      }
      if (lastSeq === undefined || ((seq - lastSeq + 0x10000) % 0x10000) < 1000) lastSeq = seq
      if (vp8Info(packet.payload).keyframe) video.keyframes++
    })
  })
  await negotiate(pc, exchange)
  return watched
}
