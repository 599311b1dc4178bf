import { createSocket, type Socket } from 'node:dgram'
import { Forwarder, type SourcePacket } from './forwarder'
import type { CodecChoice } from './codec'
import type { Show, Sink } from './show'

/** Where a show's media is sent as plain RTP on this host: an ffmpeg that restreams it (server/restream). */
export interface RtpTarget { host: string, videoPort?: number, audioPort?: number }

/** The codecs a show's publisher sends, as an RTP target's SDP describes them. */
export interface ShowCodecs { video?: CodecChoice, audio?: CodecChoice }

/** How often the sink asks for a key frame while it has sent none (ffmpeg decodes from one). */
const KEYFRAME_RETRY_MS = 1000

/**
 * A show's media as one continuous RTP stream per kind, sent to a local port: the best video layer
 * (followed as the recorder follows it, renumbered by a Forwarder so a layer or publisher change
 * is seamless) and the audio. No encryption and no feedback: the receiver is ffmpeg on loopback.
 */
export class RtpOutSink implements Sink {
  private readonly socket: Socket
  private readonly video?: Forwarder
  private readonly audio?: Forwarder
  private readonly keyframes: ReturnType<typeof setInterval>

  constructor(private readonly show: Show, private readonly target: RtpTarget) {
    this.socket = createSocket('udp4')
    this.socket.on('error', () => {})
    const { video, audio } = show.codecs ?? {}
    const send = (port: number | undefined) => (packet: { serialize(): Buffer }) => {
      if (port) this.socket.send(packet.serialize(), port, target.host)
    }
    if (video) this.video = new Forwarder(this.show.bestLayer(), video.clockRate, send(target.videoPort))
    if (audio) this.audio = new Forwarder('audio', audio.clockRate, send(target.audioPort))
    this.keyframes = setInterval(() => {
      if (!this.video) return
      this.video.target = this.show.bestLayer()
      if (this.video.waiting) this.show.keyframe(this.video.target)
    }, KEYFRAME_RETRY_MS)
    this.keyframes.unref?.()
    if (this.video) this.show.keyframe(this.video.target)
  }

  handle(packet: SourcePacket) {
    if (packet.source === 'audio') this.audio?.handle(packet)
    else this.video?.handle(packet)
  }

  close() {
    clearInterval(this.keyframes)
    this.socket.close()
  }
}

/** An SDP that tells ffmpeg what arrives on the target's ports (payload types as the publisher's). */
export function describeRtp(codecs: ShowCodecs, target: RtpTarget): string {
  const lines = ['v=0', `o=- 0 0 IN IP4 ${target.host}`, 's=WrenCos show', `c=IN IP4 ${target.host}`, 't=0 0']
  const media = (kind: 'video' | 'audio', codec: CodecChoice | undefined, port: number | undefined) => {
    if (!codec || !port) return
    const pt = codec.payloadType ?? (kind === 'video' ? 96 : 111)
    const name = codec.mimeType.split('/')[1]
    lines.push(`m=${kind} ${port} RTP/AVP ${pt}`, `a=rtpmap:${pt} ${name}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`)
    if (codec.parameters) lines.push(`a=fmtp:${pt} ${codec.parameters}`)
  }
  media('video', codecs.video, target.videoPort)
  media('audio', codecs.audio, target.audioPort)
  return `${lines.join('\r\n')}\r\n`
}

/**
 * Starts (a target) or stops (null) sending a show's media to a local port; answers the codecs the
 * target's SDP must name, or null when there is nothing to send yet (no publisher: ask again).
 */
export function switchRtpOut(entry: { show: Show, rtpOut?: RtpOutSink }, target: RtpTarget | null): ShowCodecs | null {
  if (entry.rtpOut) {
    entry.show.sinks.delete(entry.rtpOut)
    entry.rtpOut.close()
    entry.rtpOut = undefined
  }
  if (!target || !entry.show.codecs?.video) return null
  entry.rtpOut = new RtpOutSink(entry.show, target)
  entry.show.sinks.add(entry.rtpOut)
  return entry.show.codecs
}
