import { GuestBody } from '#shared/schemas/auth'
import { createGuest } from '../../domain/users'

// An anonymous customer with a display name: enough to chat, like and buy.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { displayName } = await readValidatedBody(event, zodCheck(GuestBody))
  // The browser gets its device id first, so that its guests count against it.
  await core.limits.enforce('signup', { deviceId: ensureDeviceId(event), address: clientAddress(event) })
  const user = await createGuest(core, displayName)
  setResponseStatus(event, 201)
  return startSession(event, user)
})
