import { afterEach, describe, expect, it, vi } from 'vitest'
import { cameraProblem, useCamera } from '~/composables/useCamera'
import { fakeStream, fakeTrack } from './fakes'

function mediaDevices(getUserMedia: (constraints: MediaStreamConstraints) => Promise<MediaStream>) {
  const devices = [
    { kind: 'videoinput', deviceId: 'cam-1', label: 'Front camera' },
    { kind: 'videoinput', deviceId: 'cam-2', label: 'Desk camera' },
    { kind: 'audioinput', deviceId: 'mic-1', label: 'Headset' },
  ]
  const stub = { getUserMedia: vi.fn(getUserMedia), enumerateDevices: vi.fn(async () => devices), addEventListener: vi.fn(), removeEventListener: vi.fn() }
  vi.stubGlobal('navigator', { ...navigator, mediaDevices: stub })
  return stub
}

afterEach(() => vi.unstubAllGlobals())

describe('useCamera', () => {
  it('opens camera and microphone at the preset size and lists the devices', async () => {
    const stream = fakeStream()
    const devices = mediaDevices(async () => stream)
    const camera = useCamera()
    expect(await camera.start('1080p')).toBe(true)
    expect(devices.getUserMedia.mock.calls[0]![0].video).toMatchObject({ width: { ideal: 1920 }, height: { ideal: 1080 } })
    expect(camera.stream.value).toBe(stream)
    expect(camera.cameras.value.map(device => device.label)).toEqual(['Front camera', 'Desk camera'])
    expect(camera.microphones.value).toHaveLength(1)
  })

  it('reopens with the chosen device, stops the old tracks and tells the listeners', async () => {
    const first = fakeStream()
    const second = fakeStream([fakeTrack('audio'), fakeTrack('video')])
    let calls = 0
    const devices = mediaDevices(async () => (calls++ ? second : first))
    const camera = useCamera()
    const heard: MediaStream[] = []
    camera.onTracksChanged(stream => heard.push(stream))
    await camera.start('720p')
    camera.cameraId.value = 'cam-2'
    await camera.start('720p')
    expect(devices.getUserMedia.mock.calls[1]![0].video).toMatchObject({ deviceId: { exact: 'cam-2' } })
    expect(first.getTracks().every(track => (track.stop as ReturnType<typeof vi.fn>).mock.calls.length === 1)).toBe(true)
    expect(heard).toEqual([first, second])
  })

  it('mutes and hides by disabling tracks, so the connections stay as they are', async () => {
    const stream = fakeStream()
    mediaDevices(async () => stream)
    const camera = useCamera()
    await camera.start('480p')
    camera.toggleMute()
    camera.toggleCamera()
    expect(stream.getAudioTracks()[0]!.enabled).toBe(false)
    expect(stream.getVideoTracks()[0]!.enabled).toBe(false)
    camera.toggleMute()
    expect(stream.getAudioTracks()[0]!.enabled).toBe(true)
  })

  it('explains a refusal, a missing device and a busy one', async () => {
    mediaDevices(async () => {
      throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' })
    })
    const camera = useCamera()
    expect(await camera.start('720p')).toBe(false)
    expect(camera.problem.value).toContain('refused')
    expect(cameraProblem({ name: 'NotFoundError' })).toContain('No camera or microphone')
    expect(cameraProblem({ name: 'NotReadableError' })).toContain('in use by another app')
  })
})
