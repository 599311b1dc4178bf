import { listDeliveries, redactedUrl } from '../../domain/webhooks'

// The studio's delivery log: the newest 100, with their state, attempts and last answer.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  return { receivers: core.webhooks.urls.map(redactedUrl), items: await listDeliveries(core) }
})
