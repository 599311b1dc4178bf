import { IdParams } from '#shared/schemas/common'
import { PatchProductBody } from '#shared/schemas/product'
import { patchProduct } from '../../domain/products'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const patch = await readValidatedBody(event, zodCheck(PatchProductBody))
  return { product: await patchProduct(core, id, patch) }
})
