import { IdParams } from '#shared/schemas/common'
import { eraseCustomer } from '../../domain/customer-data'

// Erases a customer at their request (PROTOCOL.md, "Operations"): 204; kept in the audit log.
export default defineApiHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  await eraseCustomer(await useCore(), id, { kind: 'admin', id: admin.id, displayName: admin.displayName })
  setResponseStatus(event, 204)
  return null
})
