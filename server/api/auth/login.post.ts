import { LoginBody } from '#shared/schemas/auth'
import { authenticate } from '../../domain/users'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { email, password } = await readValidatedBody(event, zodCheck(LoginBody))
  const address = clientAddress(event)
  // Per address and email (guessing one password), and per address (trying many emails, each a full scrypt).
  await core.limits.enforce('login', { key: `${address}|${email}`, address })
  const user = await authenticate(core, email, password)
  return startSession(event, user)
})
