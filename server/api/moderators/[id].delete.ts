import { IdParams } from '#shared/schemas/common'
import { removeModerator } from '../../domain/users'

// The account goes and its sessions end at once; what it did stays in each show's record.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  await removeModerator(core, id)
  setResponseStatus(event, 204)
  return null
})
