import { basename } from 'node:path'
import { findLivestream, setLivestreamMedia } from '../../domain/livestreams'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const videoUrl = await receiveUploadFor(event, await useCore(), 'video', 'video', {
    idField: 'livestreamId',
    find: findLivestream,
    // A whole video replaces the studio's recording, and with it the recorder runs' timeline.
    attach: (core, id, url) => setLivestreamMedia(core, id, { videoUrl: url, replayRuns: null }),
  })
  setResponseStatus(event, 201)
  return { filename: basename(videoUrl), videoUrl }
})
