import { IdParams } from '#shared/schemas/common'
import { listDestinations } from '../../../domain/destinations'

// Where the show is restreamed, each with its push's state (never its stream key), and whether
// restreaming is possible on this server.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return listDestinations(core, id)
})
