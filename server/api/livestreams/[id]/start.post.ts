import { IdParams } from '#shared/schemas/common'
import { startLivestream } from '../../../domain/livestreams'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return { livestream: await startLivestream(core, id) }
})
