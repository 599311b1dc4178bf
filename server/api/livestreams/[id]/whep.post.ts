import { IdParams } from '#shared/schemas/common'
import { playMedia } from '../../../domain/media'

// WHEP: a viewer's connection to the show (the live page, the embed, any WHEP player).
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const offer = await readSdpBody(event, 'application/sdp')
  const session = await playMedia(await useCore(), id, offer)
  return answerSession(event, id, 'viewer', session)
})
