import { LoginBody } from '#shared/schemas/auth'
import { authenticate } from '../../domain/users'

export default defineApiHandler(async (event) => {
  const { email, password } = await readValidatedBody(event, zodCheck(LoginBody))
  enforceRateLimit(event, rateLimits.login, `${clientAddress(event)}|${email}`)
  const user = await authenticate(await useStore(), email, password)
  return startSession(event, user)
})
