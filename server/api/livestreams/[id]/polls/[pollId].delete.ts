import { PollParams } from '#shared/schemas/on-air'
import { dropPreparedPoll } from '../../../../domain/polls'

// Removes a prepared poll that was not started.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireStaff(event)
  const { id, pollId } = await getValidatedRouterParams(event, zodCheck(PollParams))
  await dropPreparedPoll(core, id, pollId)
  setResponseStatus(event, 204)
  return null
})
