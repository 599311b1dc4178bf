import { IdParams } from '#shared/schemas/common'
import { PreparePollBody } from '#shared/schemas/on-air'
import { preparePoll } from '../../../domain/polls'

// A poll prepared before the show: started later from the console with one tap.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const user = await requireStaff(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const input = await readValidatedBody(event, zodCheck(PreparePollBody))
  setResponseStatus(event, 201)
  return { poll: await preparePoll(core, id, user, input) }
})
