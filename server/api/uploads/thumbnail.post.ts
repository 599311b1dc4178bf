import { findLivestream, setLivestreamMedia } from '../../domain/livestreams'
import { uploadFor } from '../../domain/uploads'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { url } = await uploadFor(event, 'thumbnail', 'thumbnail', 'livestreamId', findLivestream,
    (store, id, thumbnailUrl) => setLivestreamMedia(store, id, { thumbnailUrl }))
  setResponseStatus(event, 201)
  return { thumbnailUrl: url }
})
