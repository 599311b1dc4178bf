import { IdParams } from '#shared/schemas/common'
import { exportCustomer } from '../../../domain/customer-data'

// A customer's data, for the admin answering their request (PROTOCOL.md, "Operations"); kept in the audit log.
export default defineApiHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const data = await exportCustomer(await useCore(), id, { kind: 'admin', id: admin.id, displayName: admin.displayName })
  setResponseHeader(event, 'Content-Disposition', `attachment; filename="wrencos-customer-${id}.json"`)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return data
})
