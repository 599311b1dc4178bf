// WebRTC peers that are not browsers, on werift, for the relay's tests and benchmark: the codecs
// they offer, a WHIP/WHEP exchange (non-trickle: the offer carries every candidate), and a
// publisher that sends a media source's VP8 and Opus as OBS would.
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters } from 'werift'
import { withoutStunQuery } from '../../server/media/relay/werift-no-stun.mjs'

export const codecs = {
  video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, payloadType: 96, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] })],
  audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 })],
}

export const peer = () => new RTCPeerConnection({ codecs, iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'] })

async function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return
  await new Promise((resolve) => {
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') {
        unSubscribe()
        resolve()
      }
    })
  })
}

/** Offers with `exchange` (a WHIP or WHEP POST answering the SDP answer), and applies the answer. */
export async function negotiate(pc, exchange) {
  // On loopback there is nothing to learn from a STUN server, and werift's default one held some
  // viewers' offers 5 s (bench/README.md, session 9).
  withoutStunQuery(pc)
  await pc.setLocalDescription(await pc.createOffer())
  await gathered(pc)
  const answer = await exchange(pc.localDescription.sdp)
  await pc.setRemoteDescription({ type: 'answer', sdp: answer })
}

/** Answers a remote offer (a server that offers, as Janus's Streaming plugin does); resolves with the answer's SDP, every candidate in it. */
export async function answerOffer(pc, offer) {
  await pc.setRemoteDescription({ type: 'offer', sdp: offer })
  withoutStunQuery(pc)
  await pc.setLocalDescription(await pc.createAnswer())
  await gathered(pc)
  return pc.localDescription.sdp
}

export async function connected(pc, timeoutMs = 10_000) {
  if (pc.connectionState === 'connected') return
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected within ${timeoutMs} ms (${pc.connectionState})`)), timeoutMs)
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        clearTimeout(timer)
        resolve()
      }
    })
  })
}

/** A publisher that sends `source`'s VP8 and Opus; `onVideo` sees each video packet as it is sent. */
export async function publishWithWerift(source, exchange, onVideo = () => {}) {
  const pc = peer()
  const video = new MediaStreamTrack({ kind: 'video' })
  const audio = new MediaStreamTrack({ kind: 'audio' })
  pc.addTransceiver(video, { direction: 'sendonly' })
  pc.addTransceiver(audio, { direction: 'sendonly' })
  source.onPacket('video', (packet) => {
    onVideo(packet)
    video.writeRtp(packet)
  })
  source.onPacket('audio', packet => audio.writeRtp(packet))
  await negotiate(pc, exchange)
  await connected(pc)
  return pc
}
