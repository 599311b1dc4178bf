import { IdParams } from '#shared/schemas/common'
import { exportChat } from '../../../../domain/chat-export'

// The chat with every moderation action, as CSV (admins and moderators).
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireStaff(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { filename, csv } = await exportChat(core, id)
  setResponseHeaders(event, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
  })
  return csv
})
