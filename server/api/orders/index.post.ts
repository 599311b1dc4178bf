import { CreateOrderBody } from '#shared/schemas/order'
import { placeOrder } from '../../domain/orders'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const user = await requireUser(event)
  const input = await readValidatedBody(event, zodCheck(CreateOrderBody))
  enforceRateLimit(core.limits.order, user.id)
  const order = await placeOrder(core, user.id, input)
  setResponseStatus(event, 201)
  return { order }
})
