import { GuestBody } from '#shared/schemas/auth'
import { createGuest } from '../../domain/users'

// An anonymous customer with a display name: enough to chat, like and buy.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { displayName } = await readValidatedBody(event, zodCheck(GuestBody))
  // The browser gets its device id first, so that its guests count against it.
  const deviceId = ensureDeviceId(event)
  const signupAddress = clientAddress(event)
  await core.limits.enforce('signup', { deviceId, address: signupAddress })
  const user = await createGuest(core, displayName, { deviceId, signupAddress })
  setResponseStatus(event, 201)
  return startSession(event, user)
})
