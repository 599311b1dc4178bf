import { IdParams } from '#shared/schemas/common'
import { listClips } from '../../../domain/clips'

// A show's clips, oldest first.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return { items: await listClips(core, id) }
})
