import { basename } from 'node:path'
import { findLivestream, setLivestreamMedia } from '../../domain/livestreams'
import { uploadFor } from '../../domain/uploads'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const { url } = await uploadFor(event, 'video', 'video', 'livestreamId', findLivestream,
    (store, id, videoUrl) => setLivestreamMedia(store, id, { videoUrl, replayRuns: null }))
  setResponseStatus(event, 201)
  return { filename: basename(url), videoUrl: url }
})
