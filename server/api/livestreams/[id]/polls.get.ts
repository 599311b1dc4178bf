import { IdParams } from '#shared/schemas/common'
import { preparedPolls } from '../../../domain/polls'

// The polls prepared for a show and not started yet, for its console.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireStaff(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return { items: await preparedPolls(core, id) }
})
