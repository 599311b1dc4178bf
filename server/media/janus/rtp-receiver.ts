import { createSocket, type Socket } from 'node:dgram'
import { RtpPacket } from 'werift'
import { h264Startable } from '../common/h264'
import type { Show } from '../common/show'
import { vp8Info } from '../common/vp8'

/** The payload types the recorder's forwarder is asked to use (Janus rewrites them to these). */
export const RECORDED_PT = { vp8: 96, h264: 102, opus: 111 } as const

/**
 * The publisher's media as Janus forwards it to this process (one rtp_forward, "simulcast": true:
 * the best layer at any time, as a viewer gets it), handed to a relay `Show`: the same Show the
 * relay feeds, so the same recorder writes the same chunks, and the same silence watch tells the
 * room when the host's media stops flowing.
 */
export class RtpReceiver {
  private readonly sockets: Socket[] = []
  ports = { video: 0, audio: 0 }

  constructor(private readonly show: Show, private readonly videoCodec: 'vp8' | 'h264', private readonly host: string) {}

  async open() {
    const bind = (kind: 'video' | 'audio') => new Promise<number>((resolve, reject) => {
      const socket = createSocket('udp4')
      this.sockets.push(socket)
      socket.on('error', reject)
      socket.on('message', message => this.take(kind, message))
      socket.bind(0, this.host, () => resolve(socket.address().port))
    })
    this.ports = { video: await bind('video'), audio: await bind('audio') }
    return this.ports
  }

  private take(kind: 'video' | 'audio', message: Buffer) {
    if (message.length < 12 || (message[0]! >> 6) !== 2) return
    let packet: RtpPacket
    try {
      packet = RtpPacket.deSerialize(message)
    }
    catch {
      return
    }
    if (kind === 'audio') return this.show.receive('audio', packet, true)
    if (this.videoCodec === 'h264') return this.show.receive('single', packet, h264Startable(packet.payload))
    const info = vp8Info(packet.payload)
    this.show.receive('single', packet, info.keyframe, info.width && info.height ? { width: info.width, height: info.height } : undefined)
  }

  close() {
    for (const socket of this.sockets.splice(0)) socket.close()
  }
}
