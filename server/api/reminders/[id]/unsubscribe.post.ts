import { IdParams } from '#shared/schemas/common'
import { ReminderTokenQuery } from '#shared/schemas/reminder'
import { unsubscribeReminder } from '../../../domain/reminders'

// The List-Unsubscribe address (RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click`
// as a form, which middleware/4.api-body.ts lets through here only), and the page's button. 204.
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { token } = await getValidatedQuery(event, zodCheck(ReminderTokenQuery))
  await unsubscribeReminder(await useCore(), id, token)
  setResponseStatus(event, 204)
  return null
})
