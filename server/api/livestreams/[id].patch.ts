import { IdParams } from '#shared/schemas/common'
import { PatchLivestreamBody } from '#shared/schemas/livestream'
import { patchLivestream } from '../../domain/livestreams'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const patch = await readValidatedBody(event, zodCheck(PatchLivestreamBody))
  return { livestream: await patchLivestream(core, id, patch) }
})
