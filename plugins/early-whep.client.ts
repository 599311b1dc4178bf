import { earlyOfferSent } from '../utils/early-whep'
import { useVideoStore } from '../stores/video'

// The page's inline script (utils/early-whep.ts) starts a live show's WHEP session before the app
// loads. Its offer's promises resolve on the main thread, which the app's modules and hydration
// keep busy: the app mounts once the offer has left (at most 400 ms later), so hydration never
// holds it back. Until the room mounts, the picture of the session the WHEP viewer took over goes on
// showing in the server-rendered <video data-early-video>. Also marks when hydration ends, for
// the first-frame profile (bench/viewer-join.mjs, the e2e tests).
export default defineNuxtPlugin(async (nuxtApp) => {
  await earlyOfferSent(400)
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
