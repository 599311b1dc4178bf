import { z } from 'zod'
import { Id, IsoTime } from './common'

export const FUNNEL_STEPS = ['product_impression', 'product_click', 'add_to_cart', 'checkout_started'] as const

/** A page's batch of funnel events (PROTOCOL.md, "Shopping funnel"): small, so a batch is cheap to refuse or keep. */
export const FunnelEventsBody = z.object({
  sessionId: z.string().trim().min(8).max(128).regex(/^[\w-]+$/),
  events: z.array(z.object({ type: z.enum(FUNNEL_STEPS), productId: Id, at: IsoTime })).min(1).max(50),
})
