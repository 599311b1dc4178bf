import { IdParams } from '#shared/schemas/common'
import { DomainError } from '../../../domain/errors'
import { playMedia } from '../../../domain/media'

// WHEP: a viewer's connection to the show (the live page, the embed, any WHEP player).
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const core = await useCore()
  try {
    const session = await playMedia(core, id, actorOf(event), () => readSdpBody(event, 'application/sdp'))
    return answerSession(event, id, 'viewer', session)
  }
  catch (error) {
    // Full (or the media server is away): where HLS runs, a player knows where else to watch (PROTOCOL.md, "Capacity and overload").
    if (error instanceof DomainError && error.code === 'unavailable' && core.restream.hls) {
      setResponseHeader(event, 'Link', `<${publicBase(event)}/live/${id}/hls/index.m3u8>; rel="alternate"; type="application/vnd.apple.mpegurl"`)
    }
    throw error
  }
})
