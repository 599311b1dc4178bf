import { basename } from 'node:path'
import { findLivestream, setLivestreamMedia } from '../../domain/livestreams'
import { attachUpload } from '../../domain/uploads'

export default defineApiHandler(async (event) => {
  await requireAdmin(event)
  const core = await useCore()
  const { fields, file } = await receiveUpload(event, core.paths, 'video', 'video')
  const { url } = await attachUpload(core, 'video', file, {
    rawId: fields.livestreamId,
    idField: 'livestreamId',
    find: findLivestream,
    attach: (core, id, videoUrl) => setLivestreamMedia(core, id, { videoUrl, replayRuns: null }),
  })
  setResponseStatus(event, 201)
  return { filename: basename(url), videoUrl: url }
})
