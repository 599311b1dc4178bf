import { IdParams } from '#shared/schemas/common'
import { mediaInfo } from '../../../domain/media'

// How this show's video travels: relay or janus (WHIP/WHEP URLs), or p2p; and whether the host's media flows now.
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const iceServers = useRuntimeConfig().public.iceServers as unknown[]
  // Whether media flows changes from one second to the next: no cache may keep it.
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return mediaInfo(await useCore(), id, publicBase(event), iceServers)
})
