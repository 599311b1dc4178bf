import { IdParams } from '#shared/schemas/common'
import { AnalyticsExportQuery } from '#shared/schemas/livestream'
import { funnelCsv, ordersCsv } from '../../../../domain/analytics-export'

// The show's orders or its funnel as CSV, for the brand's spreadsheet (admin).
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { what } = await getValidatedQuery(event, zodCheck(AnalyticsExportQuery))
  return sendCsv(event, what === 'orders' ? await ordersCsv(core, id) : await funnelCsv(core, id))
})
