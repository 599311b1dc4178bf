import { eraseCustomer } from '../../domain/customer-data'
import { DomainError } from '../../domain/errors'

// "Delete my account", from the customer's own account page (PROTOCOL.md, "Operations"): 204, signed out.
export default defineApiHandler(async (event) => {
  const user = await requireUser(event)
  if (user.role !== 'customer') throw new DomainError('forbidden', 'staff accounts are removed by the admin')
  await eraseCustomer(await useCore(), user.id, { kind: 'self' })
  await endSession(event, { everywhere: true })
  setResponseStatus(event, 204)
  return null
})
