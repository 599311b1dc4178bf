import { IdParams } from '#shared/schemas/common'
import { findLivestream, presentLivestream } from '../../domain/livestreams'

export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const store = await useStore()
  return { livestream: await presentLivestream(store, await findLivestream(store, id)) }
})
