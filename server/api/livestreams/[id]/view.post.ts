import { IdParams } from '#shared/schemas/common'
import { ViewBody } from '#shared/schemas/livestream'
import { viewLivestream } from '../../../domain/livestreams'

// Live views and replay views are counted apart; a scheduled show counts none (its count is answered as it is).
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { sessionId } = await readValidatedBody(event, zodCheck(ViewBody))
  const { record } = await viewLivestream(core, id, sessionId, { address: clientAddress(event) })
  return { viewCount: record.viewCount, replayViews: record.replayViews }
})
