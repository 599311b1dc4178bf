import { IdParams } from '#shared/schemas/common'
import { startLivestream } from '../../../domain/livestreams'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return { livestream: await startLivestream(await useStore(), id) }
})
