import { EARLY_WHEP_KEY } from '#shared/utils/early-entry'
import { useVideoStore } from '../stores/video'
import { earlyWhepCannotPlay, type EarlyWhep } from '../utils/early-whep'
import { peekEarlySession } from '../utils/early-session'
import { loadHls } from '../utils/hls-playback'

// The page's inline script (utils/early-whep.ts) starts a live show's WHEP session before the app
// loads, and the app's entry waits for its first picture (server/plugins/early-entry.ts). Until
// the room mounts, the picture of the session the WHEP viewer took over goes on showing in the
// server-rendered <video data-early-video>. Also marks when hydration ends, for the first-frame
// profile (bench/viewer-join.mjs, the e2e tests).
export default defineNuxtPlugin((nuxtApp) => {
  nuxtApp.hooks.hook('app:suspense:resolve', () => void performance.mark('wrencos:hydrated'))
  // WebRTC cannot serve this page (full, or a network it cannot cross): the player will play HLS,
  // so hls.js is fetched now, beside hydration.
  const early = peekEarlySession<EarlyWhep>(EARLY_WHEP_KEY)
  if (early?.hls) void earlyWhepCannotPlay(early).then(loadHls)
  if (!document.querySelector('video[data-early-video]')) return
  const picture = useVideoStore()
  watch(() => picture.stream, (stream) => {
    const early = document.querySelector<HTMLVideoElement>('video[data-early-video]')
    if (!early || !stream || early.srcObject === stream) return
    early.srcObject = stream
    early.play().catch(() => {})
  })
})
