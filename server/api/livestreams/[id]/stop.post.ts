import { IdParams } from '#shared/schemas/common'
import { stopLivestream } from '../../../domain/livestreams'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return { livestream: await stopLivestream(await useStore(), id) }
})
