import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'

/**
 * - off: the show is not live (or this page does not want video)
 * - waiting: the show is live but the host's studio is not sending (yet, or for a moment)
 * - connecting: asked for video, offer/answer/ICE under way
 * - playing: media is flowing
 * - reconnecting: connected, but the host's media stopped for a moment (relay: the last frame stays)
 * - full: the show has as many viewers as it can take; asked again shortly (relay)
 */
export type VideoState = 'off' | 'waiting' | 'connecting' | 'playing' | 'reconnecting' | 'full'

/**
 * What the customer's player shows, and nothing else: the connections, timers and retries that
 * fill it live in composables/video (the viewer picked for the show's media mode).
 */
export const useVideoStore = defineStore('video', () => {
  const stream = shallowRef<MediaStream | null>(null)
  const state = ref<VideoState>('off')
  /** The HLS playlist the player shows while WebRTC cannot (null: WebRTC, or nothing). */
  const hlsUrl = ref<string | null>(null)
  return { stream, state, hlsUrl }
})

export type VideoPicture = ReturnType<typeof useVideoStore>
