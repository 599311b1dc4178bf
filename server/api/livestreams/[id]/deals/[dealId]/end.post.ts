import { DealParams } from '#shared/schemas/deal'
import { endDealOf } from '../../../../../domain/deals'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id, dealId } = await getValidatedRouterParams(event, zodCheck(DealParams))
  return { deal: await endDealOf(core, id, dealId) }
})
