import { AttributionBody } from '#shared/schemas/attribution'
import { IdParams } from '#shared/schemas/common'
import { recordAttribution } from '../../../domain/attributions'

// window.wrencos.purchase(...) from the brand's confirmation page (PROTOCOL.md, "Catalogue"): from
// the pages of NUXT_EMBED_ORIGINS (CORS, no credentials). 201 when new, 200 for an order id already counted.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const input = await readValidatedBody(event, zodCheck(AttributionBody))
  await core.limits.enforce('attribution', { address: clientAddress(event) })
  const answer = await recordAttribution(core, id, input)
  setResponseStatus(event, answer.recorded ? 201 : 200)
  return answer
})
