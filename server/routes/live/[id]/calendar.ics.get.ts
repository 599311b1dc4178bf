import { IdParams } from '#shared/schemas/common'
import { calendarEntry } from '../../../domain/sharing'

// "Add to calendar": a scheduled or live show as one VEVENT (PROTOCOL.md, "Sharing, search and reminders").
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { ics, filename } = await calendarEntry(await useCore(), id, publicBase(event))
  setResponseHeaders(event, {
    'Content-Type': 'text/calendar; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'public, max-age=60',
  })
  return ics
})
