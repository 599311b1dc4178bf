import type { Core } from './core'
import { listenTo } from './events'
import { outboxWorker } from './outbox-worker'
import { announce, attemptDelivery } from './webhooks'

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
  const report = (what: string) => (error: unknown) => console.error(`[webhooks] could not ${what}`, error)

  const worker = outboxWorker(core.clock, 'webhooks', async () => {
    const now = core.clock.now()
    const due = await core.store.claimDeliveries(new Date(now).toISOString(), new Date(now + LEASE_MS).toISOString(), BATCH)
    await Promise.all(due.map(delivery => attemptDelivery(core, delivery).catch(report('record a delivery attempt'))))
    return due.length
  })

  const detach = listenTo(core.events, {
    webhooksQueued: () => worker.wake(),
    started: ({ livestream }) => void announce(core, 'livestream.started', { livestream }).catch(report('queue livestream.started')),
    stopped: livestream => void announce(core, 'livestream.ended', { livestream }).catch(report('queue livestream.ended')),
    dealEnded: deal => void announce(core, 'deal.ended', { deal }).catch(report('queue deal.ended')),
  })
  return () => {
    worker.stop()
    detach()
  }
}
