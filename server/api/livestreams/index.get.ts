import { ListLivestreamsQuery } from '#shared/schemas/livestream'
import { listLivestreams } from '../../domain/livestreams'

export default defineApiHandler(async (event) => {
  const query = await getValidatedQuery(event, zodCheck(ListLivestreamsQuery))
  return listLivestreams(await useStore(), query)
})
