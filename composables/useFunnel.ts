import { onBeforeUnmount, onMounted } from 'vue'
import type { FunnelStep } from '#shared/types/models'
import { useDealsStore } from '../stores/deals'
import { viewerSessionId } from '../utils/viewer-session'

/** Events wait this long to travel together; a page never sends more often. */
const BATCH_MS = 3000
const MAX_BATCH = 50

/**
 * The shopping funnel as this page reports it (POST /events): each step of each product once per
 * page, batched, sent in the background and with sendBeacon when the page is hidden or closed, so
 * nothing here ever waits on the network or slows the page.
 */
export function useFunnel(livestreamId: string) {
  const deals = useDealsStore()
  const reported = new Set<string>()
  const queue: Array<{ type: FunnelStep, productId: string, at: string }> = []
  let timer: ReturnType<typeof setTimeout> | undefined
  const url = `/api/livestreams/${livestreamId}/events`

  function track(type: FunnelStep, productId: string) {
    const key = `${type}:${productId}`
    if (reported.has(key)) return
    reported.add(key)
    // On the server's clock (the deals store keeps the offset), so the timeline is not a phone's.
    queue.push({ type, productId, at: new Date(deals.now()).toISOString() })
    timer ??= setTimeout(() => flush(), BATCH_MS)
  }

  function flush(leaving = false) {
    clearTimeout(timer)
    timer = undefined
    while (queue.length) {
      const body = JSON.stringify({ sessionId: viewerSessionId(), events: queue.splice(0, MAX_BATCH) })
      if (leaving && navigator.sendBeacon?.(url, new Blob([body], { type: 'application/json' }))) continue
      $fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).catch(() => {})
    }
  }

  const onHidden = () => document.visibilityState === 'hidden' && flush(true)
  const onLeave = () => flush(true)
  onMounted(() => {
    document.addEventListener('visibilitychange', onHidden)
    window.addEventListener('pagehide', onLeave)
  })
  onBeforeUnmount(() => {
    document.removeEventListener('visibilitychange', onHidden)
    window.removeEventListener('pagehide', onLeave)
    flush(true)
  })
  return { track, flush }
}
