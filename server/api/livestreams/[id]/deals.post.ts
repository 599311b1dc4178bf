import { IdParams } from '#shared/schemas/common'
import { StartDealBody } from '#shared/schemas/deal'
import { startDeal } from '../../../domain/deals'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const input = await readValidatedBody(event, zodCheck(StartDealBody))
  const deal = await startDeal(core, id, input)
  setResponseStatus(event, 201)
  return { deal }
})
