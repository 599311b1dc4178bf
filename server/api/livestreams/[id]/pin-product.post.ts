import { IdParams } from '#shared/schemas/common'
import { PinProductBody } from '#shared/schemas/livestream'
import { pinProduct } from '../../../domain/livestreams'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { productId, pinned } = await readValidatedBody(event, zodCheck(PinProductBody))
  return pinProduct(core, id, productId, pinned)
})
