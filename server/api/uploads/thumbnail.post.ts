import { findLivestream, setLivestreamMedia } from '../../domain/livestreams'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const thumbnailUrl = await receiveUploadFor(event, await useCore(), 'thumbnail', 'thumbnail', {
    idField: 'livestreamId',
    find: findLivestream,
    attach: (core, id, url) => setLivestreamMedia(core, id, { thumbnailUrl: url }),
  })
  setResponseStatus(event, 201)
  return { thumbnailUrl }
})
