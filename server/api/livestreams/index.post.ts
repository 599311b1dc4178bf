import { CreateLivestreamBody } from '#shared/schemas/livestream'
import { createLivestream } from '../../domain/livestreams'

export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const input = await readValidatedBody(event, zodCheck(CreateLivestreamBody))
  const livestream = await createLivestream(core, input)
  setResponseStatus(event, 201)
  return { livestream }
})
