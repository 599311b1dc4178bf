// WebRTC clients that are not browsers, on werift: a publisher sending a MediaSource (as OBS would
// through WHIP) and a viewer that counts what it gets (as a WHEP player would).
import type { RTCPeerConnection, RtpPacket } from 'werift'
import { negotiate, peer } from '../../bench/lib/werift-peers.mjs'
import { vp8Info } from '../../server/media/common/vp8'

export { connected, publishWithWerift } from '../../bench/lib/werift-peers.mjs'

export interface WatchedMedia {
  pc: RTCPeerConnection
  video: { packets: number, bytes: number, keyframes: number, firstAt?: number, lost: number, firstIsKeyframe?: boolean }
  /** When its connection came up (ms). */
  connectedAt?: number
  audio: { packets: number }
  close(): Promise<void>
}

/** A viewer that receives and counts: packets, bytes, lost sequence numbers, key frames. */
export async function watchWithWerift(exchange: (offer: string) => Promise<string>): Promise<WatchedMedia> {
  const pc = peer()
  pc.addTransceiver('video', { direction: 'recvonly' })
  pc.addTransceiver('audio', { direction: 'recvonly' })
  const watched: WatchedMedia = {
    pc,
    video: { packets: 0, bytes: 0, keyframes: 0, lost: 0 },
    audio: { packets: 0 },
    close: () => pc.close(),
  }
  let lastSeq: number | undefined
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'connected') watched.connectedAt ??= Date.now()
  })
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
      video.firstIsKeyframe ??= vp8Info(packet.payload).keyframe
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
