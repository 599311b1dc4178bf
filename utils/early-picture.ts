/**
 * Plays an early session's track (utils/early-whep.ts, utils/early-p2p.ts) in the server-rendered
 * player, `<video data-early-video>`, and marks and tells its first frame. Serialized into those
 * inline scripts, so plain browser APIs only, and the page reached through `globalThis` (the
 * server build replaces the names `window` and `document`).
 */
export function playInEarlyPlayer(event: RTCTrackEvent, frameMark: string, shown: () => void) {
  const page = globalThis as unknown as Window
  const video = page.document.querySelector<HTMLVideoElement>('video[data-early-video]')
  const stream = event.streams[0] ?? new MediaStream([event.track])
  if (!video || video.srcObject === stream) return
  video.srcObject = stream
  video.play().catch(() => {})
  // Its first frame on screen (audio and video share the stream, so whichever track comes first).
  video.requestVideoFrameCallback(() => {
    performance.mark(frameMark)
    shown()
  })
}
