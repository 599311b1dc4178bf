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

/** Missing sequence numbers remembered for a retransmission to fill (about 6 s of 720p video). */
const MISSING_KEPT = 1000

/**
 * A viewer that receives and counts: packets, bytes, key frames, and the sequence numbers lost
 * after its NACKs (werift's receiver asks for each gap; one the sender fills no longer counts,
 * as a browser's player would not miss it).
 */
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
  const missing = new Set<number>()
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
      if (missing.delete(seq)) video.lost--
      if (lastSeq !== undefined) {
        const gap = (seq - lastSeq + 0x10000) % 0x10000
        if (gap > 1 && gap < 1000) {
          video.lost += gap - 1
          for (let back = 1; back < gap; back++) missing.add((lastSeq + back) & 0xFFFF)
          for (const oldest of missing) {
            if (missing.size <= MISSING_KEPT) break
            missing.delete(oldest)
          }
        }
      }
      if (lastSeq === undefined || ((seq - lastSeq + 0x10000) % 0x10000) < 1000) lastSeq = seq
      if (vp8Info(packet.payload).keyframe) video.keyframes++
    })
  })
  await negotiate(pc, exchange)
  return watched
}
