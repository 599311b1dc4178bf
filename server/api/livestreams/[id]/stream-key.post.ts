import { IdParams } from '#shared/schemas/common'
import { issueStreamKey } from '../../../domain/media'

// A new stream key for OBS and other WHIP encoders (the old one stops working): shown once.
export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const streamKey = await issueStreamKey(await useCore(), id)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return { streamKey, whipUrl: `${publicBase(event)}/api/livestreams/${id}/whip` }
})
