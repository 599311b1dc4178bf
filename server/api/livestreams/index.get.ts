import { ListLivestreamsQuery } from '#shared/schemas/livestream'
import { listLivestreams } from '../../domain/livestreams'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const query = await getValidatedQuery(event, zodCheck(ListLivestreamsQuery))
  return listLivestreams(core, query)
})
