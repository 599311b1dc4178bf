import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Deal } from '#shared/types/models'
import type { LiveSocket } from '../composables/useLiveSocket'

/**
 * A show's flash deals as the room tells them, counted down on the server's clock: every frame
 * and the list carry the server's time, and `offset` is how far this device's clock is from it
 * (a phone set a minute wrong still sees the deal end when the server ends it).
 */
export const useDealsStore = defineStore('deals', () => {
  const deals = ref<Deal[]>([])
  /** Server time minus this device's, in ms. */
  const offset = ref(0)
  let unsubscribe: Array<() => void> = []

  const syncClock = (serverTime: number) => (offset.value = serverTime - Date.now())
  const now = () => Date.now() + offset.value

  function upsert(deal: Deal) {
    deals.value = [...deals.value.filter(known => known.id !== deal.id), deal]
  }

  async function load(livestreamId: string) {
    const answer = await $fetch<{ items: Deal[], serverTime: number }>(`/api/livestreams/${livestreamId}/deals`)
    syncClock(answer.serverTime)
    deals.value = answer.items
  }

  function attach(socket: LiveSocket) {
    detach()
    unsubscribe = [
      socket.on('deal_started', ({ deal, serverTime }) => {
        syncClock(serverTime)
        upsert(deal)
      }),
      socket.on('deal_updated', ({ dealId, remaining, serverTime }) => {
        syncClock(serverTime)
        // An update that arrives after the end (they are coalesced) changes nothing.
        deals.value = deals.value.map(deal => deal.id === dealId && !deal.endedAt ? { ...deal, remaining: Math.min(deal.remaining, remaining) } : deal)
      }),
      socket.on('deal_ended', ({ deal, serverTime }) => {
        syncClock(serverTime)
        upsert(deal)
      }),
    ]
    return detach
  }

  function detach() {
    unsubscribe.forEach(stop => stop())
    unsubscribe = []
  }

  /** The deal on `productId` a customer can still buy now, if any. */
  function openFor(productId: string, at = now()): Deal | undefined {
    return deals.value.find(deal => deal.productId === productId && !deal.endedAt && deal.remaining > 0 && Date.parse(deal.endsAt) > at)
  }

  /** The newest deal on `productId`, open or not (a card shows "sold out" or "ended" for a while). */
  function latestFor(productId: string): Deal | undefined {
    return deals.value.filter(deal => deal.productId === productId).at(-1)
  }

  function reset() {
    detach()
    deals.value = []
    offset.value = 0
  }

  return { deals, offset, now, load, attach, detach, openFor, latestFor, reset }
})
