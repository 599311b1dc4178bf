import { describe, expect, it, vi } from 'vitest'
import type { MediaInfo } from '#shared/types/models'
import { createViewerVideo } from '~/composables/video/viewer-video'
import { useVideoStore } from '~/stores/video'
import { FakePeerConnection, fakeSignalingServer, fakeSocket, withFakeWebRtc } from './fakes'

withFakeWebRtc({ fakeTimers: true })

const relay: MediaInfo = {
  mode: 'relay', publishing: true, iceServers: [],
  whepUrl: 'https://shop.example/api/livestreams/s1/whep', hlsUrl: 'https://cdn.example/hls/s1/index.m3u8',
}

describe('the customer\'s video, picked once from the show\'s media answer', () => {
  it('plays a server-carried show with WHEP at once, on the page\'s own origin, before the room says it is live', async () => {
    const server = fakeSignalingServer()
    const socket = fakeSocket()
    const picture = useVideoStore()
    createViewerVideo(relay, { socket, iceServers: [], picture }).open({ live: true })
    await vi.advanceTimersByTimeAsync(0)
    expect(server.of('POST').map(request => request.url)).toEqual(['/api/livestreams/s1/whep'])
    expect(socket.sent).toEqual([])
    FakePeerConnection.all[0]!.become('connected')
    expect(picture.state).toBe('playing')
  })

  it('asks the studio through the room in p2p, and only once the room says the show is live', async () => {
    const server = fakeSignalingServer()
    const socket = fakeSocket()
    const picture = useVideoStore()
    const video = createViewerVideo({ mode: 'p2p', publishing: false, iceServers: [] }, { socket, iceServers: [], picture })
    video.open({ live: true })
    await vi.advanceTimersByTimeAsync(0)
    expect(socket.sent).toEqual([])
    expect(picture.state).toBe('off')
    video.start()
    expect(socket.sent.at(-1)).toEqual({ type: 'webrtc_new_customer' })
    expect(server.requests).toEqual([])
  })

  it('takes the HLS stand-in from the same origin as the page when WebRTC cannot connect', async () => {
    fakeSignalingServer(() => Response.json({ message: 'the show is full' }, { status: 503, headers: { 'retry-after': '5' } }))
    const picture = useVideoStore()
    createViewerVideo(relay, { socket: fakeSocket(), iceServers: [], picture }).open({ live: true })
    await vi.advanceTimersByTimeAsync(0)
    expect(picture.state).toBe('full')
    expect(picture.hlsUrl).toMatch(/^\/hls\/s1\/index\.m3u8\?v=/)
  })
})
