import { IdParams } from '#shared/schemas/common'
import { findProduct } from '../../domain/products'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return { product: await findProduct(core, id) }
})
