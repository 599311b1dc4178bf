// The ingest thread: every host's upload (WHIP session) of this process lives here, not on the
// relay's thread with the viewers, so what the viewers cost never costs the show. At 200 and
// 300 viewers in benchmark 7 the relay's thread was saturated and the publisher's connection
// failed (ICE consent checks unanswered for 30 s), taking the show from everyone at once. Here
// the publisher's ICE, DTLS and SRTP have a thread to themselves; its packets go to the relay's
// thread as they arrive (RemotePublisher there feeds the show).
import { workerData, type MessagePort } from 'node:worker_threads'
import type { RtpPacket } from 'werift'
import type { SourceState } from '../common/show'
import type { IngestCall, IngestNews } from './ingest-messages'
import type { RelayNetwork } from './peer-config'
import { PublisherSession, type PublishTarget } from './publisher'
import { toThreadError } from './rpc'

const { port, network } = workerData as { port: MessagePort, network: RelayNetwork }
const sessions = new Map<string, { session: PublisherSession, target: PublishTarget }>()
const tell = (news: IngestNews) => port.postMessage(news)

/** The show as the session feeds it, on this thread: each packet is sent on to the relay's thread. */
function standIn(id: string): PublishTarget {
  const sources = new Map<string, SourceState>()
  const target: PublishTarget = {
    sources,
    codecs: undefined,
    requestKeyframe: () => {},
    newPublisher: () => {
      sources.clear()
      tell({ type: 'new', id })
    },
    receive(source: string, packet: RtpPacket, startable: boolean, size?: { width: number, height: number }) {
      // Only what the session's REMB needs: each source's SSRC.
      if (sources.get(source)?.ssrc !== packet.header.ssrc) {
        sources.set(source, { source, ssrc: packet.header.ssrc, bitrate: 0, readings: [], lastAt: 0, bytesThisSecond: 0, secondStartedAt: 0 })
      }
      tell({ type: 'rtp', id, source, data: packet.serialize(), startable, sentAt: Date.now(), ...size })
    },
  }
  return target
}

async function answer(id: string, sdp: string) {
  const target = standIn(id)
  const session = new PublisherSession(target, network, () => {
    sessions.delete(id)
    tell({ type: 'gone', id })
  }, id)
  sessions.set(id, { session, target })
  session.pc.connectionStateChange.subscribe(state => tell({ type: 'state', id, state }))
  try {
    const sdpAnswer = await session.answer(sdp)
    tell({ type: 'codecs', id, codecs: target.codecs ?? {} })
    return sdpAnswer
  }
  catch (error) {
    session.close()
    throw error
  }
}

port.on('message', async (message: IngestCall) => {
  if (message.type === 'close') return sessions.get(message.id)?.session.close()
  // The session's own way to ask its publisher (a PLI), set on its target once answered.
  if (message.type === 'keyframe') return sessions.get(message.id)?.target.requestKeyframe(message.ssrc)
  try {
    const value = message.type === 'answer' ? await answer(message.id, message.sdp) : await sessions.get(message.id)?.session.patch(message.text)
    tell({ type: 'reply', call: message.call, ok: true, value })
  }
  catch (error) {
    tell({ type: 'reply', call: message.call, ok: false, error: toThreadError(error) })
  }
})
