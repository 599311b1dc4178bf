import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

/**
 * - idle: not publishing from this tab
 * - connecting: the WHIP offer is on its way, or ICE is checking
 * - publishing: the server takes this tab's camera
 * - reconnecting: the connection dropped; a new session is made by itself, with backoff
 */
export type PublisherState = 'idle' | 'connecting' | 'publishing' | 'reconnecting'

/**
 * What the console shows of the host's video, and nothing else: the connections, timers and the
 * recorder that fill it live in composables/video (the host's side picked for the media mode).
 */
export const useHostVideoStore = defineStore('host-video', () => {
  /** Relay and janus: where this tab's one upload (WHIP) stands. */
  const publisherState = ref<PublisherState>('idle')
  const publisherProblem = ref<string | null>(null)
  /** p2p: each customer's connection from this tab, as the browser reports it. */
  const peerStates = ref<Record<string, RTCPeerConnectionState>>({})
  const connectedPeers = computed(() => Object.values(peerStates.value).filter(state => state === 'connected').length)
  return { publisherState, publisherProblem, peerStates, connectedPeers }
})

export type HostVideoState = ReturnType<typeof useHostVideoStore>
