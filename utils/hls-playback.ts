// HLS in the player, for a viewer WebRTC cannot reach or a show whose WHEP is full (PROTOCOL.md,
// "Past one box"): hls.js wherever Media Source Extensions exist (it holds the live edge where we
// ask and tells the picture's wall-clock time), else the platform's own HLS (iOS Safari). hls.js
// is loaded only when a page needs it, so the live page's first picture never waits for it.

export interface HlsPlayback {
  /** How far behind the live moment the picture is (ms), from the segments' wall-clock stamps; null until known. */
  lagMs(): number | null
  stop(): void
}

/** Segments are 1 s: two behind the live edge is a steady picture a few seconds late. */
const LIVE_SYNC_SEGMENTS = 2

/**
 * hls.js, fetched and compiled once (about 180 KB compressed). Called early by a page whose early
 * session already shows that WebRTC cannot serve it (plugins/early-whep.client.ts), so the module
 * comes beside the app's hydration rather than after it.
 */
export const loadHls = () => import('hls.js')

export async function playHls(video: HTMLVideoElement, url: string): Promise<HlsPlayback> {
  const play = () => video.play().catch(() => {})
  const { default: Hls } = await loadHls()
  if (!Hls.isSupported()) return playNatively(video, url, play)
  const hls = new Hls({ liveSyncDurationCount: LIVE_SYNC_SEGMENTS, backBufferLength: 10 })
  hls.on(Hls.Events.MANIFEST_PARSED, play)
  hls.on(Hls.Events.ERROR, (_event, data) => {
    // A playlist not there yet (the packager's first segment) or a network hiccup: hls.js retries the
    // rest itself; a fatal one is started again from the live edge.
    if (!data.fatal) return
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError()
    else setTimeout(() => hls.startLoad(), 1000)
  })
  hls.loadSource(url)
  hls.attachMedia(video)
  return {
    lagMs: () => hls.playingDate ? Date.now() - hls.playingDate.getTime() : null,
    stop: () => hls.destroy(),
  }
}

/** The platform's own HLS (iOS Safari, which has no Media Source Extensions). */
function playNatively(video: HTMLVideoElement, url: string, play: () => void): HlsPlayback {
  if (!video.canPlayType('application/vnd.apple.mpegurl')) throw new Error('this browser plays neither WebRTC nor HLS')
  video.src = url
  play()
  // Safari: the playlist's EXT-X-PROGRAM-DATE-TIME of the stream's start, plus the position in it.
  const nativeVideo = video as HTMLVideoElement & { getStartDate?: () => Date }
  return {
    lagMs() {
      const start = nativeVideo.getStartDate?.().getTime()
      return start && !Number.isNaN(start) ? Date.now() - (start + video.currentTime * 1000) : null
    },
    stop() {
      video.removeAttribute('src')
      video.load()
    },
  }
}
