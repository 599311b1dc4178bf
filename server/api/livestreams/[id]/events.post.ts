import { IdParams } from '#shared/schemas/common'
import { FunnelEventsBody } from '#shared/schemas/funnel'
import { recordFunnelEvents } from '../../../domain/funnel'

// The shopping funnel's events from the live page and the embedded player: anyone, in batches,
// limited per address and per session, new sessions per show and address (and a session counts
// once per step of a product), for the products the show presented.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const { sessionId, events } = await readValidatedBody(event, zodCheck(FunnelEventsBody))
  const actor = actorOf(event)
  await core.limits.enforce('events', { ...actor, key: `${id}:${sessionId}` })
  const user = await getAuthUser(event)
  const accepted = await recordFunnelEvents(core, id, sessionId, events, { address: actor.address, userId: user?.id })
  setResponseStatus(event, 202)
  return { accepted }
})
