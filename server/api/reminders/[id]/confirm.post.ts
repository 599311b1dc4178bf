import { IdParams } from '#shared/schemas/common'
import { ReminderTokenQuery } from '#shared/schemas/reminder'
import { confirmReminder } from '../../../domain/reminders'

// Not in PROTOCOL.md: the double opt-in's second step, from the reminder page's button (a POST,
// so a mail scanner that opens the link confirms nothing).
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { token } = await getValidatedQuery(event, zodCheck(ReminderTokenQuery))
  return confirmReminder(await useCore(), id, token)
})
