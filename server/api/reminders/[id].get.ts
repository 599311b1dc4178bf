import { IdParams } from '#shared/schemas/common'
import { ReminderTokenQuery } from '#shared/schemas/reminder'
import { readReminder } from '../../domain/reminders'

// Not in PROTOCOL.md: the reminder page's state (the link's token proves it came from the mail).
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { token } = await getValidatedQuery(event, zodCheck(ReminderTokenQuery))
  return readReminder(await useCore(), id, token)
})
