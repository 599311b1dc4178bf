import { IdParams } from '#shared/schemas/common'
import { onAirOf } from '../../../domain/on-air'

// What a show has on air (polls, questions, giveaways) for a page that arrives late or comes
// back; with a token, also what that account voted and entered, and for staff the question queue.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const user = await getAuthUser(event)
  setResponseHeaders(event, { 'Cache-Control': 'no-store' })
  return onAirOf(core, id, user ?? undefined)
})
