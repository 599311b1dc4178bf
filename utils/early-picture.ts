/** What an early session (utils/early-whep.ts, utils/early-p2p.ts) tells the page's entry. */
export interface EarlyProgress {
  /** Settles once the early player shows its first frame, or the session gave up. */
  pictured: Promise<void>
  /** Settles once the connection is up, or the session gave up (the app's modules may load then). */
  signaled: Promise<void>
  /** Settles both: the first frame showed, or none will come (refused, failed, unreachable). */
  settle: () => void
  /** Plays `pc`'s track in the early player and watches its connection. */
  follow: (pc: RTCPeerConnection) => void
}

/**
 * The part the two early sessions share: their track played in the server-rendered player,
 * `<video data-early-video>`, and the moments the page's entry waits for. Marks
 * `wrencos:<kind>-connected` and `wrencos:<kind>-frame` (`whep` or `p2p`) for the first-frame
 * profile. Serialized into those inline scripts, so plain browser APIs only, and the page reached
 * through `globalThis` (the server build replaces the names `window` and `document`).
 */
export function earlyProgress(kind: string): EarlyProgress {
  let settle = () => {}
  const pictured = new Promise<void>(resolve => (settle = resolve))
  let connected = () => {}
  const signaled = Promise.race([pictured, new Promise<void>(resolve => (connected = resolve))])
  const play = (event: RTCTrackEvent) => {
    const video = (globalThis as unknown as Window).document.querySelector<HTMLVideoElement>('video[data-early-video]')
    const stream = event.streams[0] ?? new MediaStream([event.track])
    if (!video || video.srcObject === stream) return
    video.srcObject = stream
    video.play().catch(() => {})
    // Its first frame on screen (audio and video share the stream, so whichever track comes first).
    video.requestVideoFrameCallback(() => {
      performance.mark(`wrencos:${kind}-frame`)
      settle()
    })
  }
  const follow = (pc: RTCPeerConnection) => {
    // A property, so the app's viewer replaces it when it adopts the connection.
    pc.ontrack = play
    // A listener, which stays when the app adopts the connection before it is up: the mark is
    // the profile's, and settling again is nothing.
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'failed') settle()
      if (pc.connectionState !== 'connected') return
      performance.mark(`wrencos:${kind}-connected`)
      connected()
    })
  }
  return { pictured, signaled, settle, follow }
}
