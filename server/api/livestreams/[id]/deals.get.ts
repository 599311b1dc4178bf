import { IdParams } from '#shared/schemas/common'
import { listDealsOf } from '../../../domain/deals'

// A show's deals, oldest first, with the server's clock so a page counts down on it.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  setResponseHeaders(event, { 'Cache-Control': 'no-store' })
  return { items: await listDealsOf(core, id), serverTime: core.clock.now() }
})
