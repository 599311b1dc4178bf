import { ListOrdersQuery } from '#shared/schemas/order'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { livestreamId } = await getValidatedQuery(event, zodCheck(ListOrdersQuery))
  return { items: await (await useStore()).listOrders({ livestreamId }) }
})
