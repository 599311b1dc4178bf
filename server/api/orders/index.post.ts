import { CreateOrderBody } from '#shared/schemas/order'
import { assertMayTakePart } from '../../domain/moderation'
import { placeOrder } from '../../domain/orders'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const user = await requireUser(event)
  const input = await readValidatedBody(event, zodCheck(CreateOrderBody))
  const buyer = actorOf(event, user)
  await core.limits.enforce('order', buyer)
  if (input.livestreamId) await assertMayTakePart(core, input.livestreamId, participantOf(event, user), 'order')
  const order = await placeOrder(core, { ...buyer, userId: user.id }, input)
  setResponseStatus(event, 201)
  return { order }
})
