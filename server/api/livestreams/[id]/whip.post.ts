import { IdParams } from '#shared/schemas/common'
import { publishMedia } from '../../../domain/media'

// WHIP (RFC 9725): the host's one upload, from the studio or an encoder such as OBS.
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, zodCheck(IdParams))
  const session = await publishMedia(await useCore(), id, await publisherOf(event), () => readSdpBody(event, 'application/sdp'))
  return answerSession(event, id, 'publisher', session)
})
