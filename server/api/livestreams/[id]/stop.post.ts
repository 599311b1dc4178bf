import { IdParams } from '#shared/schemas/common'
import { stopLivestream } from '../../../domain/livestreams'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return { livestream: await stopLivestream(core, id) }
})
