import { RegisterBody } from '#shared/schemas/auth'
import { registerCustomer } from '../../domain/users'

export default defineApiHandler(async (event) => {
  const input = await readValidatedBody(event, zodCheck(RegisterBody))
  enforceRateLimit(event, rateLimits.signup, clientAddress(event))
  const user = await registerCustomer(await useStore(), input)
  setResponseStatus(event, 201)
  return startSession(event, user)
})
