import { describe, expect, it, vi } from 'vitest'
import { simulcastLayers } from '#shared/utils/quality'
import type { Quality } from '#shared/types/models'
import type { HostVideo } from '~/composables/video/types'
import { createWhipHost } from '~/composables/video/whip-host'
import { useHostVideoStore } from '~/stores/host-video'
import { FakePeerConnection, fakeSignalingServer, fakeStream, withFakeWebRtc } from './fakes'

const WHIP = '/api/livestreams/s1/whip'
const settle = () => vi.advanceTimersByTimeAsync(0)

withFakeWebRtc({ fakeTimers: true })

/** The WHIP host, with its calls and the console state it fills in one object. */
function whipHost() {
  const state = useHostVideoStore()
  let host: HostVideo | undefined
  return {
    start(stream: MediaStream, { url, iceServers, quality }: { url: string, iceServers: RTCIceServer[], quality: Quality }) {
      host = createWhipHost({ url, iceServers, state })
      void host.start(stream, quality)
    },
    stop: () => void host!.stop(),
    renew: () => host!.serverLostMedia(),
    get state() { return state.publisherState },
    get problem() { return state.publisherProblem },
  }
}

describe('the WHIP host', () => {
  it('publishes the camera once, as three simulcast layers, and says when it is on', async () => {
    const server = fakeSignalingServer()
    const publisher = whipHost()
    publisher.start(fakeStream(), { url: WHIP, iceServers: [], quality: '720p' })
    expect(publisher.state).toBe('connecting')
    await settle()
    expect(server.of('POST')).toMatchObject([{ url: WHIP, contentType: 'application/sdp' }])
    const peer = FakePeerConnection.all[0]!
    expect(peer.transceivers).toEqual([
      { kind: 'video', direction: 'sendonly', sendEncodings: simulcastLayers('720p') },
      { kind: 'audio', direction: 'sendonly' },
    ])
    peer.become('connected')
    expect(publisher.state).toBe('publishing')
  })

  it('makes a new session when the connection fails, ending the old one', async () => {
    const server = fakeSignalingServer()
    const publisher = whipHost()
    publisher.start(fakeStream(), { url: WHIP, iceServers: [], quality: '480p' })
    await settle()
    FakePeerConnection.all[0]!.become('connected')
    FakePeerConnection.all[0]!.become('failed')
    expect(publisher.state).toBe('reconnecting')
    expect(server.of('DELETE').map(request => request.url)).toEqual(['http://localhost:3000/session/0'])
    await vi.advanceTimersByTimeAsync(500)
    expect(server.of('POST')).toHaveLength(2)
    FakePeerConnection.all[1]!.become('connected')
    expect(publisher.state).toBe('publishing')
  })

  it('says another encoder is on, and takes over when it stops', async () => {
    let busy = true
    const server = fakeSignalingServer((_, index) => busy
      ? Response.json({ message: 'another publisher is on' }, { status: 409 })
      : new Response('v=0 answer', { status: 201, headers: { location: `/session/${index}` } }))
    const publisher = whipHost()
    publisher.start(fakeStream(), { url: WHIP, iceServers: [], quality: '480p' })
    await settle()
    expect(publisher.problem).toContain('Another encoder')
    expect(publisher.state).toBe('reconnecting')
    busy = false
    await vi.advanceTimersByTimeAsync(500)
    expect(server.of('POST')).toHaveLength(2)
    FakePeerConnection.all[1]!.become('connected')
    expect(publisher.problem).toBeNull()
  })

  it('ends its session on stop, and makes no other', async () => {
    const server = fakeSignalingServer()
    const publisher = whipHost()
    publisher.start(fakeStream(), { url: WHIP, iceServers: [], quality: '480p' })
    await settle()
    publisher.stop()
    expect(publisher.state).toBe('idle')
    expect(FakePeerConnection.all[0]!.closed).toBe(true)
    expect(server.of('DELETE')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(server.of('POST')).toHaveLength(1)
  })

  it('makes a new session at once when the server says our media no longer arrives', async () => {
    const server = fakeSignalingServer()
    const publisher = whipHost()
    publisher.start(fakeStream(), { url: WHIP, iceServers: [], quality: '480p' })
    await settle()
    // Not yet publishing: nothing to renew.
    publisher.renew()
    expect(server.of('DELETE')).toHaveLength(0)
    FakePeerConnection.all[0]!.become('connected')
    publisher.renew()
    expect(publisher.state).toBe('reconnecting')
    expect(FakePeerConnection.all[0]!.closed).toBe(true)
    await vi.advanceTimersByTimeAsync(500)
    expect(server.of('POST')).toHaveLength(2)
  })
})
