import { DomainError } from '../../domain/errors'
import { findUser } from '../../domain/users'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const auth = await requireUser(event)
  const user = await findUser(core, auth.id)
  // A valid token for a user who no longer exists is as good as none.
  if (!user) throw new DomainError('unauthorized', 'this account no longer exists')
  return { user: publicUser(user) }
})
