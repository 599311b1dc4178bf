import { CreateOrderBody } from '#shared/schemas/order'
import { placeOrder } from '../../domain/orders'

export default defineApiHandler(async (event) => {
  const user = await requireUser(event)
  const input = await readValidatedBody(event, zodCheck(CreateOrderBody))
  enforceRateLimit(event, rateLimits.order, user.id)
  const order = await placeOrder(await useStore(), user.id, input)
  setResponseStatus(event, 201)
  return { order }
})
