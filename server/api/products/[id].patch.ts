import { IdParams } from '#shared/schemas/common'
import { PatchProductBody } from '#shared/schemas/product'
import { patchProduct } from '../../domain/products'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const patch = await readValidatedBody(event, zodCheck(PatchProductBody))
  return { product: await patchProduct(await useStore(), id, patch) }
})
