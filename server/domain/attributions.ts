// Purchases made on the brand's own site after watching a show (PROTOCOL.md, "Catalogue"): the
// brand's confirmation page calls window.wrencos.purchase(...) and /embed.js reports it for the
// show watched there in the last 30 days. Each order id counts once, for one show, however often
// the page is reloaded. The report comes from the customer's browser: it is the brand's claim,
// counted apart from the orders taken here ("ordered elsewhere"), limited per address.
import type { AttributionInput } from '#shared/schemas/attribution'
import { isoNow, type Core } from './core'
import { DomainError } from './errors'
import { findLivestream } from './livestreams'

export async function recordAttribution(core: Core, livestreamId: string, input: AttributionInput): Promise<{ recorded: boolean }> {
  const show = await findLivestream(core, livestreamId)
  if (show.status === 'scheduled') throw new DomainError('conflict', 'this show has not started: nobody watched it yet')
  const recorded = await core.store.addAttribution({ livestreamId, ...input, createdAt: isoNow(core) })
  return { recorded }
}

/** The funnel's "ordered elsewhere": how many, and their totals per currency. */
export async function orderedElsewhere(core: Core, livestreamId: string) {
  const purchases = await core.store.listAttributions(livestreamId)
  const totals = new Map<string, number>()
  for (const purchase of purchases) totals.set(purchase.currency, (totals.get(purchase.currency) ?? 0) + purchase.totalCents)
  return { orders: purchases.length, totals: [...totals].map(([currency, totalCents]) => ({ currency, totalCents })) }
}
