import { z } from 'zod'
import { Email, Id } from './common'

export const OrderLine = z.object({
  productId: Id,
  /** Required for a product with variants (PROTOCOL.md "Catalogue"). */
  variantId: Id.optional(),
  quantity: z.number().int().min(1).max(99),
  /** At a flash deal's price (PROTOCOL.md "Flash deals"). */
  dealId: Id.optional(),
})

export const Shipping = z.object({
  name: z.string().trim().min(1).max(120),
  email: Email,
  address: z.string().trim().min(5).max(500),
})

export const CreateOrderBody = z.object({
  livestreamId: Id.optional(),
  items: z.array(OrderLine).min(1).max(50),
  shipping: Shipping,
})

export const ListOrdersQuery = z.object({ livestreamId: Id.optional() })

export type CreateOrderInput = z.infer<typeof CreateOrderBody>
export type ShippingInput = z.infer<typeof Shipping>
