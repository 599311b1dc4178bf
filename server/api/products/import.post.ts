import { ImportQuery } from '#shared/schemas/product'
import { DomainError } from '../../domain/errors'
import { IMPORT_MAX_BYTES, importProducts } from '../../domain/product-import'

// The catalogue from the brand's shop (PROTOCOL.md, "Catalogue"): text/csv or application/json,
// read here (up to 5 MiB, more than the API's usual JSON limit), all or nothing.
export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { dryRun } = await getValidatedQuery(event, zodCheck(ImportQuery))
  const type = getHeader(event, 'content-type') ?? ''
  const kind = /^text\/csv\s*(;|$)/i.test(type) ? 'csv' : /^application\/json\s*(;|$)/i.test(type) ? 'json' : null
  if (!kind) throw new DomainError('unsupported', 'send text/csv or application/json')
  const text = (await readCappedBody(event, IMPORT_MAX_BYTES, 'an import')).toString('utf8')
  return importProducts(await useCore(), kind, text, { dryRun: dryRun === 'true' })
})
