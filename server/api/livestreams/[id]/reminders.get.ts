import { IdParams } from '#shared/schemas/common'
import { reminderCounts } from '../../../domain/reminders'

// Not in PROTOCOL.md: how many wait for a show, for the studio (confirmed, and still to confirm).
export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return reminderCounts(await useCore(), id)
})
