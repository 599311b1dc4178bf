import { RegisterBody } from '#shared/schemas/auth'
import { registerCustomer } from '../../domain/users'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const input = await readValidatedBody(event, zodCheck(RegisterBody))
  const deviceId = ensureDeviceId(event)
  const signupAddress = clientAddress(event)
  await core.limits.enforce('signup', { deviceId, address: signupAddress })
  const user = await registerCustomer(core, input, { deviceId, signupAddress })
  setResponseStatus(event, 201)
  return startSession(event, user)
})
