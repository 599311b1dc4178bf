import { z } from 'zod'
import { IdParams } from '#shared/schemas/common'
import { funnelCsv, ordersCsv } from '../../../../domain/analytics-export'

const ExportQuery = z.object({ what: z.enum(['orders', 'funnel']) })

// The show's orders or its funnel as CSV, for the brand's spreadsheet (admin).
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { what } = await getValidatedQuery(event, zodCheck(ExportQuery))
  return sendCsv(event, what === 'orders' ? await ordersCsv(core, id) : await funnelCsv(core, id))
})
