import { useVideoStore } from '../stores/video'

// The page's inline script (utils/early-whep.ts) starts a live show's WHEP session before the app
// loads, and the app's entry waits for its first picture (server/plugins/early-entry.ts). Until
// the room mounts, the picture of the session the WHEP viewer took over goes on showing in the
// server-rendered <video data-early-video>. Also marks when hydration ends, for the first-frame
// profile (bench/viewer-join.mjs, the e2e tests).
export default defineNuxtPlugin((nuxtApp) => {
  nuxtApp.hooks.hook('app:suspense:resolve', () => void performance.mark('wrencos:hydrated'))
  if (!document.querySelector('video[data-early-video]')) return
  const picture = useVideoStore()
  watch(() => picture.stream, (stream) => {
    const early = document.querySelector<HTMLVideoElement>('video[data-early-video]')
    if (!early || !stream || early.srcObject === stream) return
    early.srcObject = stream
    early.play().catch(() => {})
  })
})
