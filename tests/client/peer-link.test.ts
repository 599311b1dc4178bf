import { describe, expect, it, vi } from 'vitest'
import { PeerLink, type PeerLinkOptions } from '~/utils/peer-link'
import { FakePeerConnection, fakeStream, fakeTrack, withFakeWebRtc } from './fakes'

withFakeWebRtc({ fakeTimers: true })

function link(options: Partial<PeerLinkOptions> = {}) {
  const events = { phases: [] as string[], candidates: [] as unknown[], restarts: 0, gaveUp: 0 }
  const made: PeerLink = new PeerLink({
    iceServers: [{ urls: 'stun:127.0.0.1:3478' }],
    onPhase: phase => events.phases.push(phase),
    onCandidate: candidate => events.candidates.push(candidate),
    onRestart: () => {
      events.restarts++
      return made.createOffer({ iceRestart: true })
    },
    onGiveUp: () => events.gaveUp++,
    ...options,
  })
  return { link: made, pc: FakePeerConnection.all.at(-1)!, events }
}

describe('PeerLink', () => {
  it('makes its connection with the ICE servers, and hands on local candidates until closed', () => {
    const { link: made, pc, events } = link()
    expect(pc.config.iceServers).toEqual([{ urls: 'stun:127.0.0.1:3478' }])
    pc.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: 'candidate:1' }) } })
    pc.onicecandidate?.({ candidate: null })
    made.close()
    pc.onicecandidate?.({ candidate: { toJSON: () => ({ candidate: 'candidate:late' }) } })
    expect(events.candidates).toEqual([{ candidate: 'candidate:1' }, null])
    expect(pc.closed).toBe(true)
  })

  it('keeps the candidates that come before the description they belong to, and adds them after it', async () => {
    const { link: made, pc } = link()
    await made.addRemoteCandidate({ candidate: 'candidate:early' })
    expect(pc.candidates).toEqual([])
    await made.createOffer()
    expect(made.awaitingAnswer).toBe(true)
    await made.acceptAnswer({ type: 'answer', sdp: 'v=0 answer' })
    expect(pc.candidates).toEqual([{ candidate: 'candidate:early' }])
    await made.addRemoteCandidate({ candidate: 'candidate:late' })
    expect(pc.candidates).toEqual([{ candidate: 'candidate:early' }, { candidate: 'candidate:late' }])
  })

  it('answers an offer (the answering side), with the early candidates added after it', async () => {
    const { link: made, pc, events } = link()
    await made.addRemoteCandidate({ candidate: 'candidate:early' })
    const answer = await made.acceptOffer({ type: 'offer', sdp: 'v=0 offer' })
    expect(answer).toEqual({ type: 'answer', sdp: 'v=0 answer 1' })
    expect(pc.remoteDescription).toEqual({ type: 'offer', sdp: 'v=0 offer' })
    expect(pc.candidates).toEqual([{ candidate: 'candidate:early' }])
    expect(events.phases).toEqual(['connecting'])
  })

  it('restarts ICE at once on failure, up to its limit in a row, and gives up after', async () => {
    const { link: made, pc, events } = link({ maxRestarts: 2 })
    await made.createOffer()
    pc.become('connected')
    pc.become('failed')
    await vi.advanceTimersByTimeAsync(0)
    expect(pc.offers.at(-1)).toEqual({ iceRestart: true })
    pc.become('connected')
    // Connected again: the budget is whole again.
    for (let i = 0; i < 2; i++) {
      pc.become('failed')
      await vi.advanceTimersByTimeAsync(0)
    }
    expect(events.restarts).toBe(3)
    expect(events.gaveUp).toBe(0)
    pc.become('failed')
    expect(events.gaveUp).toBe(1)
    expect(made.phase).toBe('gave-up')
    expect(events.phases).toEqual(['connecting', 'connected', 'restarting', 'connected', 'restarting', 'gave-up'])
  })

  it('gives a disconnection its grace period before treating it as a failure', async () => {
    const { link: made, pc, events } = link({ maxRestarts: 1, disconnectedGraceMs: 4000 })
    await made.createOffer()
    pc.become('connected')
    pc.become('disconnected')
    await vi.advanceTimersByTimeAsync(3000)
    pc.become('connected')
    await vi.advanceTimersByTimeAsync(5000)
    expect(events.restarts).toBe(0)
    pc.become('disconnected')
    await vi.advanceTimersByTimeAsync(4000)
    expect(events.restarts).toBe(1)
  })

  it('on the answering side (no restarts of its own) gives up at the first failure', () => {
    const { pc, events } = link()
    pc.become('connected')
    pc.become('failed')
    expect(events.restarts).toBe(0)
    expect(events.gaveUp).toBe(1)
  })

  it('sends, swaps and caps tracks, receives only when asked, and reports stats', async () => {
    const { link: made, pc } = link()
    const media = fakeStream()
    made.addTracks(media)
    expect(pc.tracks).toEqual(media.getTracks())
    const camera = fakeTrack('video')
    made.replaceTracks(fakeStream([media.getAudioTracks()[0]!, camera]))
    expect(pc.senders.find(sender => sender.track === camera)).toBeDefined()
    await made.capVideo(2_500_000)
    expect(pc.senders.find(sender => sender.track.kind === 'video')!.getParameters().encodings[0]!).toEqual({ maxBitrate: 2_500_000 })
    await made.capVideo(2_500_000, 1)
    expect(pc.senders.find(sender => sender.track.kind === 'video')!.getParameters().encodings[0]!).toEqual({ maxBitrate: 2_500_000 })
    await made.capVideo(1_000_000, 1.5)
    expect(pc.senders.find(sender => sender.track.kind === 'video')!.getParameters().encodings[0]!).toEqual({ maxBitrate: 1_000_000, scaleResolutionDownBy: 1.5 })
    await made.capVideo(1_000_000, 1)
    expect(pc.senders.find(sender => sender.track.kind === 'video')!.getParameters().encodings[0]!).toEqual({ maxBitrate: 1_000_000, scaleResolutionDownBy: 1 })
    expect(pc.senders.find(sender => sender.track.kind === 'audio')!.setParameters).not.toHaveBeenCalled()
    const { link: viewer, pc: receiving } = link()
    viewer.receiveOnly()
    expect(receiving.transceivers).toEqual([{ kind: 'video', direction: 'recvonly' }, { kind: 'audio', direction: 'recvonly' }])
    expect([...(await made.stats()).values()][0]).toMatchObject({ type: 'outbound-rtp' })
  })

  it('ignores whatever the connection says after it was closed', () => {
    const { link: made, pc, events } = link({ maxRestarts: 3 })
    made.close()
    pc.become('failed')
    expect(events.restarts).toBe(0)
    expect(events.gaveUp).toBe(0)
    expect(made.phase).toBe('closed')
  })
})
