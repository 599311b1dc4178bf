import { IdParams } from '#shared/schemas/common'
import { ReminderBody } from '#shared/schemas/reminder'
import { requestReminder } from '../../../domain/reminders'

// "Remind me" (PROTOCOL.md, "Sharing, search and reminders"): 202 and the same answer whether the
// address was new or known; the confirmation mail goes out from the outbox.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { email, locale } = await readValidatedBody(event, zodCheck(ReminderBody))
  const address = clientAddress(event)
  await core.limits.enforce('reminder', { address, key: `${address}|${email}` })
  await requestReminder(core, id, { email, locale: locale ?? getHeader(event, 'accept-language') }, publicBase(event))
  setResponseStatus(event, 202)
  return { status: 'confirmation_sent' }
})
