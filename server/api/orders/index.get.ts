import { ListOrdersQuery } from '#shared/schemas/order'
import { listOrders } from '../../domain/orders'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { livestreamId } = await getValidatedQuery(event, zodCheck(ListOrdersQuery))
  return { items: await listOrders(core, { livestreamId }) }
})
