// The brand's catalogue from its shop (PROTOCOL.md, "Catalogue"): a CSV (read by csv-parse: BOM,
// CRLF, quoted commas and quotes, blank lines) or JSON `{ items }`, upserted by SKU, all or nothing.
// Every bad row is named by its line (CSV) or item number (JSON) and field, and then nothing
// changes. Image URLs are kept as URLs (the browser loads them; the server fetches nothing).
// Cells that look like formulas are text here, as in our own CSV exports.
// A shade is a row whose `variantOf` names its product's SKU, in the same file: its own SKU, name
// (the shade's), stock, `swatch` and, when it differs, price; it is merged into the product's shades
// by SKU, and the product's stock is then theirs.
import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import { MediaUrl } from '#shared/schemas/common'
import { Swatch } from '#shared/schemas/product'
import type { ImportedProduct, NewVariant } from '../db'
import type { Core } from './core'
import { DomainError } from './errors'

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024
export const IMPORT_MAX_ROWS = 5000
const COLUMNS = ['sku', 'name', 'description', 'priceCents', 'currency', 'stock', 'imageUrl', 'variantOf', 'swatch'] as const

/** A CSV cell is text: '' is absent, a number column is read as one. */
const cell = <T extends z.ZodType>(schema: T) => z.preprocess(value => value === '' || value === null ? undefined : value, schema)
const wholeNumber = (max: number) => z.coerce.number({ message: 'a whole number' }).int('a whole number').min(0).max(max)
const count = (max: number) => cell(wholeNumber(max))
const optionalCount = (max: number) => cell(wholeNumber(max).optional())

const sku = cell(z.string({ message: 'required' }).trim().min(1, 'required').max(64))

const ProductRow = z.object({
  sku,
  name: cell(z.string({ message: 'required' }).trim().min(1, 'required').max(120)),
  description: cell(z.string().trim().max(2000).optional()),
  priceCents: count(100_000_000),
  currency: cell(z.string({ message: 'required' }).trim().toUpperCase().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')),
  // A product with shades may leave it empty: its stock is theirs.
  stock: optionalCount(1_000_000),
  imageUrl: cell(MediaUrl.optional()),
  variantOf: cell(z.undefined().optional()),
  swatch: cell(z.undefined({ message: 'a swatch is a shade\'s: fill variantOf with its product\'s SKU' }).optional()),
})

const ShadeRow = z.object({
  sku,
  name: cell(z.string({ message: 'required' }).trim().min(1, 'required').max(60)),
  variantOf: sku,
  priceCents: optionalCount(100_000_000),
  stock: count(1_000_000),
  swatch: cell(Swatch.optional()),
})

export interface ImportError { line: number, field: string, message: string }

type Row = { line: number, values: Record<string, unknown> }

function csvRows(text: string): Row[] {
  let parsed: Array<{ record: Record<string, string>, info: { lines: number } }>
  try {
    parsed = parse(text, { bom: true, columns: (header: string[]) => header.map(name => name.trim()), skip_empty_lines: true, trim: true, info: true })
  }
  catch (error) {
    const line = (error as { lines?: number }).lines ?? 1
    throw new DomainError('invalid', 'the CSV could not be read', { errors: [{ line, field: '', message: (error as Error).message.replace(/^Invalid Record Length:\s*/, '') }] })
  }
  return parsed.map(({ record, info }) => ({ line: info.lines, values: record }))
}

function jsonRows(text: string): Row[] {
  let body: unknown
  try {
    body = JSON.parse(text)
  }
  catch {
    throw new DomainError('invalid', 'the body is not JSON')
  }
  const items = (body as { items?: unknown })?.items
  if (!Array.isArray(items)) throw new DomainError('invalid', 'send { items: [...] }')
  return items.map((item, index) => ({ line: index + 1, values: (item ?? {}) as Record<string, unknown> }))
}

/** Reads and checks every row; answers the products to upsert (shades inside theirs), or every problem found. */
export function readImport(kind: 'csv' | 'json', text: string) {
  const rows = kind === 'csv' ? csvRows(text) : jsonRows(text)
  if (rows.length > IMPORT_MAX_ROWS) throw new DomainError('too_large', `at most ${IMPORT_MAX_ROWS} products per import`)
  const errors: ImportError[] = []
  const unknownColumns = [...new Set(rows.flatMap(row => Object.keys(row.values)))].filter(name => !(COLUMNS as readonly string[]).includes(name))
  for (const name of unknownColumns) errors.push({ line: kind === 'csv' ? 1 : rows.find(row => name in row.values)!.line, field: name, message: `unknown column; the columns are ${COLUMNS.join(', ')}` })
  const seen = new Map<string, number>()
  const products = new Map<string, { line: number, product: Omit<ImportedProduct, 'stock'> & { stock?: number } }>()
  const shades: Array<{ line: number, shade: NewVariant & { variantOf: string } }> = []
  for (const { line, values } of rows) {
    const isShade = values.variantOf !== undefined && values.variantOf !== null && values.variantOf !== ''
    const checked = (isShade ? ShadeRow : ProductRow).safeParse(values)
    if (!checked.success) {
      for (const issue of checked.error.issues) errors.push({ line, field: String(issue.path[0] ?? ''), message: issue.message })
      continue
    }
    const first = seen.get(checked.data.sku)
    if (first !== undefined) {
      errors.push({ line, field: 'sku', message: `the same SKU as line ${first}` })
      continue
    }
    seen.set(checked.data.sku, line)
    if ('variantOf' in checked.data && checked.data.variantOf) shades.push({ line, shade: checked.data as NewVariant & { variantOf: string } })
    else {
      const { variantOf: _variantOf, swatch: _swatch, ...product } = checked.data as z.infer<typeof ProductRow>
      products.set(product.sku, { line, product })
    }
  }
  for (const { line, shade: { variantOf, ...shade } } of shades) {
    const parent = products.get(variantOf)
    if (!parent) errors.push({ line, field: 'variantOf', message: seen.has(variantOf) ? 'names a shade, not a product' : `no product with SKU ${variantOf} in this file` })
    else (parent.product.variants ??= []).push(shade)
  }
  for (const { line, product } of products.values()) {
    if (product.stock === undefined && !product.variants) errors.push({ line, field: 'stock', message: 'required (or shades with theirs)' })
  }
  const ready: ImportedProduct[] = [...products.values()].map(({ product }) => ({ ...product, stock: product.stock ?? 0 }))
  return { products: ready, errors: errors.sort((a, b) => a.line - b.line) }
}

/** The import: all of it, or (any problem) none of it and every problem by line. `dryRun` checks only. */
export async function importProducts(core: Core, kind: 'csv' | 'json', text: string, options: { dryRun?: boolean } = {}) {
  const { products, errors } = readImport(kind, text)
  if (errors.length) throw new DomainError('invalid', `${errors.length} problem(s): nothing was imported`, { errors: errors.slice(0, 500) })
  if (options.dryRun) return { created: 0, updated: 0, valid: products.length, dryRun: true, preview: products.slice(0, 20) }
  const { created, updated } = await core.store.upsertProductsBySku(products)
  if (updated.length) core.events.emit('products', updated)
  return { created: created.length, updated: updated.length }
}

/** The brand's system sets stock by SKU; unknown SKUs come back, the rest apply. */
export async function setStockBySku(core: Core, items: Array<{ sku: string, stock: number }>) {
  const { updated, unknown } = await core.store.setStockBySku(items)
  if (updated.length) core.events.emit('products', updated)
  return { updated: updated.length, unknown }
}
