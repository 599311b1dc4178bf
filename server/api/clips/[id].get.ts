import { IdParams } from '#shared/schemas/common'
import { clipPage } from '../../domain/clips'

// What /clip/:id shows and unfurls into: the clip, its show, its product and its share card.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return clipPage(core, id, publicBase(event))
})
