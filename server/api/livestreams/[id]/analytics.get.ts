import { IdParams } from '#shared/schemas/common'
import { livestreamAnalytics } from '../../../domain/analytics'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return livestreamAnalytics(core, id)
})
