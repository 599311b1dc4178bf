import { CreateOrderBody } from '#shared/schemas/order'
import { placeOrder } from '../../domain/orders'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const user = await requireUser(event)
  const input = await readValidatedBody(event, zodCheck(CreateOrderBody))
  const buyer = actorOf(event, user)
  await core.limits.enforce('order', buyer)
  const order = await placeOrder(core, { ...buyer, userId: user.id }, input)
  setResponseStatus(event, 201)
  return { order }
})
