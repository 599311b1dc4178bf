import { timersAt } from '../utils/clock'
import type { Core } from './core'
import { endDeal, presentDeals } from './deals'
import { listenTo } from './events'

/**
 * What moves a deal on by itself, wired where the app is assembled: it ends when its time is up
 * (timers set again at start for deals still open, so a restart ends them too), when its last unit
 * is bought, or when its show ends; in between, each purchase says what is left. With several
 * processes each one sets the timers of the deals it knows, and the store lets one of them end it.
 */
export function wireDeals(core: Core): () => void {
  const timers = timersAt(core.clock)
  const report = (what: string) => (error: unknown) => console.error(`[deals] could not ${what}`, error)

  const endAt = (dealId: string, endsAt: string) =>
    timers.at(dealId, endsAt, () => void endDeal(core, dealId, 'time').catch(report('end a deal')))

  const afterPurchase = async (dealIds: string[]) => {
    const records = (await Promise.all(dealIds.map(id => core.store.getDeal(id)))).filter(record => !!record)
    for (const deal of await presentDeals(core, records)) {
      if (deal.endedAt) continue
      if (deal.remaining === 0) await endDeal(core, deal.id, 'sold_out')
      else core.events.emit('dealUpdated', { livestreamId: deal.livestreamId, dealId: deal.id, remaining: deal.remaining })
    }
  }

  const endShowDeals = async (livestreamId: string) => {
    for (const deal of await core.store.listDeals({ livestreamId })) if (!deal.endedAt) await endDeal(core, deal.id, 'time')
  }

  void core.store.listDeals({ open: true })
    .then(deals => deals.forEach(deal => endAt(deal.id, deal.endsAt)))
    .catch(report('resume the deals still open'))

  const detach = listenTo(core.events, {
    dealStarted: deal => endAt(deal.id, deal.endsAt),
    dealsTaken: ids => void afterPurchase(ids).catch(report('count a deal\'s units')),
    dealEnded: deal => timers.cancel(deal.id),
    stopped: livestream => void endShowDeals(livestream.id).catch(report('end the deals of a show')),
  })
  return () => {
    detach()
    timers.clear()
  }
}
