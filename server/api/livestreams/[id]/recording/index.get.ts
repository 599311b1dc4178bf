import { IdParams } from '#shared/schemas/common'
import { recordingStatus } from '../../../../domain/recording'

// Not in PROTOCOL.md: what is kept of a recording, so a reopened studio resumes at `nextSeq`.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return recordingStatus(core, id)
})
