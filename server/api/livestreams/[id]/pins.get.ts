import { IdParams } from '#shared/schemas/common'
import { listPinPeriods } from '../../../domain/livestreams'

// Not in PROTOCOL.md: every pin period of the show with its product, for the replay's chapters.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return { items: await listPinPeriods(core, id) }
})
