import { IdParams } from '#shared/schemas/common'
import { deleteLivestream } from '../../domain/livestreams'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  await deleteLivestream(await useStore(), id)
  setResponseStatus(event, 204)
  return null
})
