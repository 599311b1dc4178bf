import { IdParams } from '#shared/schemas/common'
import { ViewBody } from '#shared/schemas/livestream'
import { viewLivestream } from '../../../domain/livestreams'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { sessionId } = await readValidatedBody(event, zodCheck(ViewBody))
  const { viewCount } = await viewLivestream(core, id, sessionId)
  return { viewCount }
})
