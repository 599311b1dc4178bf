import { IdParams } from '#shared/schemas/common'
import { resendDelivery } from '../../../../domain/webhooks'

// "Send again": one more attempt now.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  return { delivery: await resendDelivery(core, id) }
})
