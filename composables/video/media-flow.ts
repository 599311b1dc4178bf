import type { PeerLink } from '../../utils/peer-link'

/**
 * Media bytes received so far on `link`, audio and video (audio resumes at once; video may wait
 * for its key frame). Null: nothing received yet.
 */
export async function receivedBytes(link: PeerLink): Promise<number | null> {
  const report = await link.stats().catch(() => null)
  let total: number | null = null
  for (const stat of report?.values() ?? []) if (stat.type === 'inbound-rtp') total = (total ?? 0) + (stat.bytesReceived as number)
  return total
}

/** Whether any media reaches `link` in the next `ms`. */
export async function mediaArrives(link: PeerLink, ms: number): Promise<boolean> {
  const before = await receivedBytes(link)
  await new Promise(resolve => setTimeout(resolve, ms))
  const after = await receivedBytes(link)
  return after !== null && after > (before ?? 0)
}

export interface StallWatch {
  /** How long without media is a stall. */
  stalledMs: number
  /** How often the received bytes are read. */
  everyMs: number
  /** Whether media should be arriving now (a host who stopped is not a stall). */
  expected: () => boolean
  /** Media stopped while expected: answers whether the watch goes on. Asked once per `stalledMs`. */
  onStall: () => Promise<boolean>
}

/** Watches `link` for media that stops while it should come; answers the function that ends the watch. */
export function watchStalls(link: PeerLink, watch: StallWatch): () => void {
  let last: number | null = null
  let lastGrewAt = Date.now()
  let ended = false
  const timer = setInterval(async () => {
    const now = await receivedBytes(link)
    if (ended) return
    if (now !== last || !watch.expected()) {
      last = now
      lastGrewAt = Date.now()
    }
    else if (Date.now() - lastGrewAt > watch.stalledMs) {
      // Asked once per stall: the next question only after another stalledMs without media.
      lastGrewAt = Date.now()
      if (!await watch.onStall()) end()
    }
  }, watch.everyMs)
  function end() {
    ended = true
    clearInterval(timer)
  }
  return end
}
