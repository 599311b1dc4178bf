import { IdParams } from '#shared/schemas/common'
import { exportChat } from '../../../../domain/chat-export'

// The chat with every moderation action, as CSV (admins and moderators).
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireStaff(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return sendCsv(event, await exportChat(core, id))
})
