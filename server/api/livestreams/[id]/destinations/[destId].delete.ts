import { DestinationParams } from '#shared/schemas/destination'
import { removeDestination } from '../../../../domain/destinations'

// Stops pushing to a destination and forgets it (and its key).
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id, destId } = await getValidatedRouterParams(event, zodCheck(DestinationParams))
  await removeDestination(core, id, destId)
  setResponseStatus(event, 204)
  return null
})
