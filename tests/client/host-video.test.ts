import { effectScope } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import type { MediaInfo } from '#shared/types/models'
import { createHostVideo } from '~/composables/video/host-video'
import { useHostVideoStore } from '~/stores/host-video'
import { FakeMediaRecorder, FakePeerConnection, fakeSignalingServer, fakeSocket, fakeStream, withFakeWebRtc } from './fakes'

withFakeWebRtc({ fakeTimers: true })

const relay: MediaInfo = { mode: 'relay', publishing: false, iceServers: [], whipUrl: 'https://shop.example/api/livestreams/s1/whip' }

/** The site's API as the p2p host uses it: the recording's status, its parts, its finalize. */
function fakeRecordingApi(nextSeq: number) {
  const calls: string[] = []
  vi.stubGlobal('$fetch', vi.fn(async (url: string, init: { method?: string } = {}) => {
    calls.push(`${init.method ?? 'GET'} ${url}`)
    if (url.endsWith('/finalize')) return { videoUrl: '/uploads/video/replay.webm' }
    return { chunks: calls.filter(call => call.startsWith('PUT')).length + nextSeq, bytes: 0, nextSeq, missing: [], videoUrl: null }
  }))
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: { method?: string } = {}) => {
    calls.push(`${init.method ?? 'GET'} ${url}`)
    return new Response(null, { status: 204 })
  }))
  return calls
}

describe('the host\'s video, picked once from the show\'s media answer', () => {
  it('publishes once with WHIP, on this site, when the server carries the show; the server records it', async () => {
    const server = fakeSignalingServer()
    const state = useHostVideoStore()
    const host = createHostVideo(relay, { socket: fakeSocket(), iceServers: [], livestreamId: 's1', state })
    expect(host.carriedByServer).toBe(true)
    expect(host.recorder).toBeNull()
    await host.start(fakeStream(), '480p')
    await vi.advanceTimersByTimeAsync(0)
    expect(server.of('POST').map(request => request.url)).toEqual(['/api/livestreams/s1/whip'])
    FakePeerConnection.all[0]!.become('connected')
    expect(state.publisherState).toBe('publishing')
    await host.stop()
    expect(await host.saveReplay()).toBeNull()
    expect(FakeMediaRecorder.all).toHaveLength(0)
  })

  it('in p2p, records in the tab after the parts the server holds, and saves the replay once the last part is in', async () => {
    FakeMediaRecorder.all = []
    vi.stubGlobal('MediaRecorder', FakeMediaRecorder)
    const calls = fakeRecordingApi(3)
    const socket = fakeSocket()
    const scope = effectScope()
    const host = scope.run(() => createHostVideo({ mode: 'p2p', publishing: false, iceServers: [] }, { socket, iceServers: [], livestreamId: 's1', state: useHostVideoStore() }))!
    host.open()
    expect(host.carriedByServer).toBe(false)
    await host.start(fakeStream(), '480p')
    expect(socket.sent).toEqual([{ type: 'webrtc_register', userType: 'admin' }])
    FakeMediaRecorder.all[0]!.emit('a')
    await host.stop()
    const saved = host.saveReplay()
    await vi.advanceTimersByTimeAsync(0)
    expect(await saved).toBe('/uploads/video/replay.webm')
    expect(calls).toEqual([
      'GET /api/livestreams/s1/recording',
      'PUT /api/livestreams/s1/recording/3',
      'PUT /api/livestreams/s1/recording/4',
      'GET /api/livestreams/s1/recording',
      'POST /api/livestreams/s1/recording/finalize',
    ])
    scope.stop()
  })
})
