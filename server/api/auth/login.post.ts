import { LoginBody } from '#shared/schemas/auth'
import { authenticate } from '../../domain/users'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { email, password } = await readValidatedBody(event, zodCheck(LoginBody))
  enforceRateLimit(core.limits.login, `${clientAddress(event)}|${email}`)
  const user = await authenticate(core, email, password)
  return startSession(event, user)
})
