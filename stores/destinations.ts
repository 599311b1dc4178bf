import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Destination } from '#shared/types/models'
import type { LiveSocket } from '../composables/useLiveSocket'

/**
 * Where the host's show is also live (restreaming): loaded from GET /destinations, each push's
 * state kept current by `destination_state` on the studio's socket.
 */
export const useDestinationsStore = defineStore('destinations', () => {
  const items = ref<Destination[]>([])
  /** Whether the server can restream, and if not why (no ffmpeg, p2p mode). */
  const available = ref(true)
  const reason = ref<string | null>(null)
  let unsubscribe: (() => void) | undefined

  async function load(livestreamId: string) {
    const answer = await $fetch<{ items: Destination[], available: boolean, reason?: string }>(`/api/livestreams/${livestreamId}/destinations`)
    items.value = answer.items
    available.value = answer.available
    reason.value = answer.reason ?? null
  }

  function attach(socket: LiveSocket) {
    unsubscribe?.()
    unsubscribe = socket.on('destination_state', ({ destinationId, state, error }) => {
      items.value = items.value.map(item => item.id === destinationId ? { ...item, state, ...(error ? { error } : { error: undefined }) } : item)
    })
  }

  async function add(livestreamId: string, input: { name: string, url: string, streamKey: string }) {
    const { destination } = await $fetch<{ destination: Destination }>(`/api/livestreams/${livestreamId}/destinations`, { method: 'POST', body: input })
    items.value = [...items.value.filter(item => item.id !== destination.id), destination]
  }

  async function remove(livestreamId: string, destinationId: string) {
    await $fetch(`/api/livestreams/${livestreamId}/destinations/${destinationId}`, { method: 'DELETE' })
    items.value = items.value.filter(item => item.id !== destinationId)
  }

  function reset() {
    unsubscribe?.()
    unsubscribe = undefined
    items.value = []
  }

  return { items, available, reason, load, attach, add, remove, reset }
})
