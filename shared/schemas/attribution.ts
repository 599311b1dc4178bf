import { z } from 'zod'

/** window.wrencos.purchase(...) on the brand's confirmation page (PROTOCOL.md, "Catalogue"). */
export const AttributionBody = z.object({
  orderId: z.string().trim().min(1).max(128),
  totalCents: z.number().int().min(0).max(100_000_000),
  currency: z.string().trim().regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code').transform(code => code.toUpperCase()),
  items: z.array(z.object({
    sku: z.string().trim().max(64).optional(),
    productId: z.string().trim().max(64).optional(),
    name: z.string().trim().max(200).optional(),
    quantity: z.number().int().min(1).max(1000),
    priceCents: z.number().int().min(0).max(100_000_000).optional(),
  })).max(100).default([]),
})

export type AttributionInput = z.infer<typeof AttributionBody>
