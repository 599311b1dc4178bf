import { IdParams } from '#shared/schemas/common'
import { finalizeRecording } from '../../../../domain/recording'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return finalizeRecording(await useStore(), id)
})
