import { findLivestream, setLivestreamMedia } from '../../domain/livestreams'
import { attachUpload } from '../../domain/uploads'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const core = await useCore()
  const { fields, file } = await receiveUpload(event, core.paths, 'thumbnail', 'thumbnail')
  const { url } = await attachUpload(core, 'thumbnail', file, {
    rawId: fields.livestreamId,
    idField: 'livestreamId',
    find: findLivestream,
    attach: (core, id, thumbnailUrl) => setLivestreamMedia(core, id, { thumbnailUrl }),
  })
  setResponseStatus(event, 201)
  return { thumbnailUrl: url }
})
