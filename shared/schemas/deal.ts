import { z } from 'zod'
import { Id } from './common'

export const StartDealBody = z.object({
  productId: Id,
  /** One shade of the product; without it the deal is on every shade. */
  variantId: Id.optional(),
  priceCents: z.number().int().min(0).max(100_000_000),
  quantity: z.number().int().min(1).max(10_000),
  perCustomer: z.number().int().min(1).max(99).optional(),
  durationSeconds: z.number().int().min(10).max(3600),
})

export const DealParams = z.object({ id: Id, dealId: Id })

export type StartDealInput = z.infer<typeof StartDealBody>
