import { IdParams } from '#shared/schemas/common'
import { moderationOf } from '../../../domain/moderation'

// The moderation view's state: the record of actions, the held lines, who is banned or paused, the rules.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireStaff(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return moderationOf(core, id)
})
