import { RegisterBody } from '#shared/schemas/auth'
import { registerCustomer } from '../../domain/users'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const input = await readValidatedBody(event, zodCheck(RegisterBody))
  await core.limits.enforce('signup', { deviceId: ensureDeviceId(event), address: clientAddress(event) })
  const user = await registerCustomer(core, input)
  setResponseStatus(event, 201)
  return startSession(event, user)
})
