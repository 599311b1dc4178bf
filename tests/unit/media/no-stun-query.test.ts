// The relay's werift sessions ask no STUN server (server/media/relay/werift-no-stun.mjs): werift
// falls back to Google's on every connection, and the answer waited for it (up to 5 s where DNS
// dropped a burst of lookups).
import dns from 'node:dns'
import { RTCPeerConnection } from 'werift'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PUBLISH_CODECS, peerConfig } from '../../../server/media/relay/peer-config'
import { applyOffer } from '../../../server/media/relay/session-setup'
import { withoutStunQuery } from '../../../server/media/relay/werift-no-stun.mjs'

const network = { loopback: true }

/** An offer of a werift peer that sends video and audio, as a publisher's. */
async function publisherOffer() {
  const pc = new RTCPeerConnection({ iceServers: [] })
  pc.addTransceiver('video', { direction: 'sendonly' })
  pc.addTransceiver('audio', { direction: 'sendonly' })
  // This side asks no STUN server either: every lookup the test sees is the answering side's.
  withoutStunQuery(pc)
  await pc.setLocalDescription(await pc.createOffer())
  return { pc, sdp: pc.localDescription!.sdp }
}

/** The server's side answering `sdp`, every candidate gathered; `apply` takes the offer. */
async function answer(sdp: string, apply: (pc: RTCPeerConnection) => Promise<void>) {
  const pc = new RTCPeerConnection(peerConfig(network, { video: PUBLISH_CODECS.video(), audio: PUBLISH_CODECS.audio() }))
  await apply(pc)
  await pc.setLocalDescription(await pc.createAnswer())
  if (pc.iceGatheringState !== 'complete') await new Promise(resolve => pc.iceGatheringStateChange.subscribe(state => state === 'complete' && resolve(undefined)))
  return pc
}

describe('relay sessions and STUN', () => {
  const closers: Array<() => Promise<void>> = []
  afterEach(async () => {
    vi.restoreAllMocks()
    for (const close of closers.splice(0)) await close()
  })

  it('answers an offer without looking up a STUN server, where werift alone would', async () => {
    const lookups = vi.spyOn(dns.promises, 'lookup')
    const offer = await publisherOffer()
    closers.push(() => offer.pc.close())

    // werift as it comes: the ICE transports ask stun.l.google.com though no server was given.
    const plain = await answer(offer.sdp, pc => pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp }))
    closers.push(() => plain.close())
    expect(lookups.mock.calls.map(call => call[0])).toContain('stun.l.google.com')

    lookups.mockClear()
    const relay = await answer(offer.sdp, pc => applyOffer(pc, offer.sdp))
    closers.push(() => relay.close())
    expect(lookups).not.toHaveBeenCalled()
    // Its host candidates are all there.
    expect(relay.localDescription!.sdp).toMatch(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/)
  })
})
