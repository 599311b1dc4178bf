import { z } from 'zod'
import { MediaUrl } from './common'

const fields = {
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000),
  priceCents: z.number().int().min(0).max(100_000_000),
  currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
  imageUrl: MediaUrl,
  stock: z.number().int().min(0).max(1_000_000),
  sku: z.string().trim().min(1).max(64),
}

export const CreateProductBody = z.object({
  ...fields,
  description: fields.description.optional(),
  imageUrl: fields.imageUrl.optional(),
  sku: fields.sku.optional(),
})

export const PatchProductBody = z.object({
  name: fields.name.optional(),
  description: fields.description.optional(),
  priceCents: fields.priceCents.optional(),
  currency: fields.currency.optional(),
  imageUrl: fields.imageUrl.nullable().optional(),
  stock: fields.stock.optional(),
  sku: fields.sku.nullable().optional(),
}).refine(patch => Object.values(patch).some(value => value !== undefined), 'nothing to change')

export type CreateProductInput = z.infer<typeof CreateProductBody>
export type PatchProductInput = z.infer<typeof PatchProductBody>

/** POST /api/products/stock: the brand's system sets stock by SKU (PROTOCOL.md, "Catalogue"). */
export const StockBySkuBody = z.object({
  items: z.array(z.object({ sku: fields.sku, stock: fields.stock })).min(1).max(5000),
})

/** POST /api/products/import?dryRun=true checks a file without importing it. */
export const ImportQuery = z.object({ dryRun: z.enum(['true', 'false']).optional() })
