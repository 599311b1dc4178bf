import { listAudit } from '../domain/customer-data'

// Not in PROTOCOL.md: the audit log of customers' data (who exported or erased whom), newest first.
export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  return { items: await listAudit(await useCore()) }
})
