import { IdParams } from '#shared/schemas/common'
import { AddDestinationBody } from '#shared/schemas/destination'
import { addDestination } from '../../../domain/destinations'

// Also live on: an RTMP(S) ingest and its stream key (sealed; never answered again).
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const input = await readValidatedBody(event, zodCheck(AddDestinationBody))
  setResponseStatus(event, 201)
  return { destination: await addDestination(core, id, input) }
})
