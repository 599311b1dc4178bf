import { z } from 'zod'
import { Id } from './common'

/** A restream destination (PROTOCOL.md "Reaching other platforms"): an RTMP(S) ingest and its stream key. */
export const AddDestinationBody = z.object({
  name: z.string().trim().min(1).max(60),
  url: z.string().trim().max(500).refine((url) => {
    try {
      const parsed = new URL(url)
      return (parsed.protocol === 'rtmp:' || parsed.protocol === 'rtmps:') && !!parsed.hostname && !parsed.username && !parsed.password
    }
    catch {
      return false
    }
  }, 'an rtmp:// or rtmps:// ingest URL (the stream key goes in streamKey)'),
  streamKey: z.string().trim().min(1).max(500).regex(/^[^\s/]+$/, 'the stream key as the network shows it, without spaces or slashes'),
})

export const DestinationParams = z.object({ id: Id, destId: Id })
