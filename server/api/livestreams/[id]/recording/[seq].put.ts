import { DomainError } from '../../../../domain/errors'
import { RecordingChunkParams, saveRecordingChunk } from '../../../../domain/recording'

const CHUNK_TYPES = /^(video\/(webm|mp4)|application\/octet-stream)(;|$)/i

// The raw body is streamed to disk: a chunk is never held whole in memory.
export default defineApiHandler(async (event) => {
  const core = await useCore()
  await requireAdmin(event)
  const { id, seq } = await getValidatedRouterParams(event, zodCheck(RecordingChunkParams))
  if (!CHUNK_TYPES.test(getHeader(event, 'content-type') ?? '')) {
    throw new DomainError('unsupported', 'send the chunk as video/webm, video/mp4 or application/octet-stream')
  }
  await saveRecordingChunk(core, id, seq, event.node.req)
  setResponseStatus(event, 204)
  return null
})
