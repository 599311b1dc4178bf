import { exportCustomer } from '../../../domain/customer-data'
import { DomainError } from '../../../domain/errors'

// "Download my data", from the customer's own account page (PROTOCOL.md, "Operations").
export default defineApiHandler(async (event) => {
  const user = await requireUser(event)
  if (user.role !== 'customer') throw new DomainError('forbidden', 'staff accounts are the admin\'s to export')
  const data = await exportCustomer(await useCore(), user.id, { kind: 'self' })
  setResponseHeader(event, 'Content-Disposition', 'attachment; filename="wrencos-my-data.json"')
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return data
})
