import { IdParams } from '#shared/schemas/common'
import { readLivestream } from '../../domain/livestream-cache'

export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return { livestream: await readLivestream(await useStore(), id) }
})
