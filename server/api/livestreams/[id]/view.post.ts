import { IdParams } from '#shared/schemas/common'
import { ViewBody } from '#shared/schemas/livestream'
import { viewLivestream } from '../../../domain/livestreams'

export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { sessionId } = await readValidatedBody(event, zodCheck(ViewBody))
  const { viewCount } = await viewLivestream(await useStore(), id, sessionId)
  return { viewCount }
})
