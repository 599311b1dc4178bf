import { IdParams } from '#shared/schemas/common'
import { deleteProduct } from '../../domain/products'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  await deleteProduct(await useStore(), id)
  setResponseStatus(event, 204)
  return null
})
