import { IdParams } from '#shared/schemas/common'
import { deleteLivestream } from '../../domain/livestreams'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  await deleteLivestream(core, id)
  setResponseStatus(event, 204)
  return null
})
