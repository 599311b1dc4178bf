import { RegisterBody } from '#shared/schemas/auth'
import { createAccount } from '../../domain/users'

// The admin makes a moderator's account (PROTOCOL.md, "Moderation"); they sign in with it at /login.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const input = await readValidatedBody(event, zodCheck(RegisterBody))
  const user = await createAccount(core, { ...input, role: 'moderator' })
  setResponseStatus(event, 201)
  return { user: publicUser(user) }
})
