import { IdParams } from '#shared/schemas/common'
import { LikeBody } from '#shared/schemas/livestream'
import { likeLivestream } from '../../../domain/livestreams'
import { assertMayTakePart } from '../../../domain/moderation'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  const user = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  // The body is optional: no body is one like.
  const { count } = await readValidatedBody(event, zodCheck(LikeBody.prefault({})))
  const actor = actorOf(event, user)
  await core.limits.enforce('like', actor)
  await core.limits.enforce('hearts', actor, 'too many hearts;', count)
  await assertMayTakePart(core, id, participantOf(event, user), 'send hearts')
  return likeLivestream(core, id, count)
})
