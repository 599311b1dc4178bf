import { IdParams } from '#shared/schemas/common'
import { playMedia } from '../../../domain/media'

// WHEP: a viewer's connection to the show (the live page, the embed, any WHEP player).
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const session = await playMedia(await useCore(), id, actorOf(event), () => readSdpBody(event, 'application/sdp'))
  return answerSession(event, id, 'viewer', session)
})
