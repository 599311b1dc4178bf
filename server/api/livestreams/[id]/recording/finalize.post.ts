import { IdParams } from '#shared/schemas/common'
import { finalizeRecording } from '../../../../domain/recording'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return finalizeRecording(core, id)
})
