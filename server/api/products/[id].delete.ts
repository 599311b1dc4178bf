import { IdParams } from '#shared/schemas/common'
import { deleteProduct } from '../../domain/products'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  await deleteProduct(core, id)
  setResponseStatus(event, 204)
  return null
})
