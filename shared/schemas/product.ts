import { z } from 'zod'
import { Id, MediaUrl } from './common'

const fields = {
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000),
  priceCents: z.number().int().min(0).max(100_000_000),
  currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
  imageUrl: MediaUrl,
  stock: z.number().int().min(0).max(1_000_000),
  sku: z.string().trim().min(1).max(64),
}

/** A colour chip: '#rrggbb', kept in lower case. */
export const Swatch = z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #b4475a').transform(value => value.toLowerCase())

/** One shade as the studio sends it: `id` keeps an existing shade (and the carts that name it), none makes a new one. */
export const VariantInput = z.object({
  id: Id.optional(),
  name: z.string().trim().min(1).max(60),
  sku: fields.sku.optional(),
  swatch: Swatch.optional(),
  stock: fields.stock,
  priceCents: fields.priceCents.optional(),
})

/** Up to 60 shades (a foundation has 30-50), names and SKUs distinct within the product. */
const Variants = z.array(VariantInput).max(60).superRefine((variants, context) => {
  for (const key of ['name', 'sku', 'id'] as const) {
    const seen = new Set<string>()
    variants.forEach((variant, index) => {
      const value = key === 'name' ? variant.name.toLowerCase() : variant[key]
      if (value === undefined) return
      if (seen.has(value)) context.addIssue({ code: 'custom', path: [index, key], message: `two shades with the same ${key}` })
      seen.add(value)
    })
  }
})

export const CreateProductBody = z.object({
  ...fields,
  description: fields.description.optional(),
  imageUrl: fields.imageUrl.optional(),
  sku: fields.sku.optional(),
  // With variants the product's stock is theirs, summed: `stock` may be left out.
  stock: fields.stock.optional(),
  variants: Variants.optional(),
}).refine(product => product.stock !== undefined || product.variants?.length, { message: 'stock is required (or variants with theirs)', path: ['stock'] })

/** `variants` replaces the list: shades named by id are kept (with what is sent), others added, the rest removed. */
export const PatchProductBody = z.object({
  name: fields.name.optional(),
  description: fields.description.optional(),
  priceCents: fields.priceCents.optional(),
  currency: fields.currency.optional(),
  imageUrl: fields.imageUrl.nullable().optional(),
  stock: fields.stock.optional(),
  sku: fields.sku.nullable().optional(),
  variants: Variants.optional(),
}).refine(patch => Object.values(patch).some(value => value !== undefined), 'nothing to change')

export type CreateProductInput = z.infer<typeof CreateProductBody>
export type PatchProductInput = z.infer<typeof PatchProductBody>
export type VariantInputValue = z.infer<typeof VariantInput>

/** POST /api/products/stock: the brand's system sets stock by SKU (PROTOCOL.md, "Catalogue"). */
export const StockBySkuBody = z.object({
  items: z.array(z.object({ sku: fields.sku, stock: fields.stock })).min(1).max(5000),
})

/** POST /api/products/import?dryRun=true checks a file without importing it. */
export const ImportQuery = z.object({ dryRun: z.enum(['true', 'false']).optional() })
