import { CreateClipBody } from '#shared/schemas/clip'
import { IdParams } from '#shared/schemas/common'
import { createClip } from '../../../domain/clips'

// A clip of the replay (a product's chapter in one click, or a chosen range), with its thumbnail.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const input = await readValidatedBody(event, zodCheck(CreateClipBody))
  // One cut at a time per show: each is an ffmpeg of its own.
  const clip = await core.locks.run(`clip:${id}`, () => createClip(core, id, input))
  setResponseStatus(event, 201)
  return { clip }
})
