import type { Timer } from '../utils/clock'
import type { Core } from './core'
import { listenTo } from './events'
import { announce, attemptDelivery } from './webhooks'

/** How often the outbox is looked at when nothing wakes the sender (retries falling due, a lease run out). */
const POLL_EVERY_MS = 1000
/**
 * How long a claimed delivery is this process's: longer than an attempt may take (10 s). A process
 * killed mid-attempt leaves its deliveries to be taken again when the lease is over.
 */
const LEASE_MS = 15_000
const BATCH = 20

/**
 * The webhooks of one process, wired where the app is assembled: the show's start and end and a
 * deal's end go into the outbox (an order's goes in with the order), and the sender posts what is
 * due, a batch at a time, never two sends of one delivery at once across processes (the lease).
 */
export function wireWebhooks(core: Core): () => void {
  if (!core.webhooks.urls.length) return () => {}
  let timer: Timer | undefined
  let running: Promise<void> | undefined
  let stopped = false
  const report = (what: string) => (error: unknown) => console.error(`[webhooks] could not ${what}`, error)

  async function sendDue() {
    for (;;) {
      const now = core.clock.now()
      const due = await core.store.claimDeliveries(new Date(now).toISOString(), new Date(now + LEASE_MS).toISOString(), BATCH)
      if (!due.length) return
      await Promise.all(due.map(delivery => attemptDelivery(core, delivery).catch(report('record a delivery attempt'))))
      if (stopped) return
    }
  }

  function tick() {
    timer?.cancel()
    if (stopped) return
    running ??= sendDue().catch(report('send webhooks')).finally(() => {
      running = undefined
      schedule()
    })
  }

  function schedule() {
    if (!stopped) timer = core.clock.after(POLL_EVERY_MS, tick)
  }

  const detach = listenTo(core.events, {
    webhooksQueued: () => tick(),
    started: ({ livestream }) => void announce(core, 'livestream.started', { livestream }).catch(report('queue livestream.started')),
    stopped: livestream => void announce(core, 'livestream.ended', { livestream }).catch(report('queue livestream.ended')),
    dealEnded: deal => void announce(core, 'deal.ended', { deal }).catch(report('queue deal.ended')),
  })
  tick()
  return () => {
    stopped = true
    timer?.cancel()
    detach()
  }
}
