// Janus's Streaming plugin fed directly, the peer of benchmark 7: no Nuxt process, no VideoRoom, no
// WHEP bridge. The run's publisher's RTP goes straight into a Streaming mountpoint; viewers ask
// Janus for it themselves (`watch`, Janus's offer, their answer, `start`), as a team running bare
// Janus would have its players do. Both the benchmark (the mountpoint) and its viewer processes
// (./relay-viewers.mjs) use this.
import { createSocket } from 'node:dgram'
import Janode from 'janode'
import StreamingPlugin from 'janode/plugins/streaming'

Janode.Logger.setLevel('error')

/** A session on the Janus at `url`, for `apisecret`; its handles answer Janus's replies, errors thrown. */
export async function janusSession(url, apisecret) {
  const connection = await Janode.connect({ address: { url, apisecret } })
  const session = await connection.create()
  return {
    /** A Streaming handle; `ask(body, jsep)` answers { data, jsep }, or throws Janus's error. */
    async streaming() {
      const handle = await session.attach(StreamingPlugin)
      const ask = async (body, jsep) => {
        const reply = await handle.message(body, jsep)
        const data = reply.plugindata?.data ?? {}
        if (data.error_code) throw new Error(`janus refused ${body.request}: ${data.error}`)
        return { data, jsep: reply.jsep }
      }
      return { handle, ask }
    },
    async close() {
      await session.destroy().catch(() => {})
      await connection.close().catch(() => {})
    },
  }
}

/**
 * A VP8 + Opus RTP mountpoint on `janus` (./janus.mjs), with the same payload types as the run's
 * publisher and viewers; `feed(source, onVideo)` sends a media source's packets into it.
 */
export async function bareMountpoint(janus) {
  const session = await janusSession(janus.url, janus.secret)
  const { ask } = await session.streaming()
  const id = 4242
  const { data } = await ask({
    request: 'create', type: 'rtp', id, admin_key: janus.secret, description: 'bare janus bench',
    media: [
      // As janus mode's mountpoints: a new viewer gets the last key frame at once.
      { type: 'video', mid: 'v', port: 0, pt: 96, codec: 'vp8', buffer: true },
      { type: 'audio', mid: 'a', port: 0, pt: 111, codec: 'opus' },
    ],
  })
  const ports = Object.fromEntries(data.stream.ports.map(port => [port.type, Number(port.port)]))
  const out = createSocket('udp4')
  return {
    id,
    feed(source, onVideo = () => {}) {
      source.onPacket('video', (packet) => {
        onVideo(packet)
        out.send(packet, ports.video, '127.0.0.1')
      })
      source.onPacket('audio', packet => out.send(packet, ports.audio, '127.0.0.1'))
    },
    async stop() {
      out.close()
      await session.close()
    },
  }
}
