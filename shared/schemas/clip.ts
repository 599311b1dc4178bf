import { z } from 'zod'
import { Id } from './common'

/** A clip of a replay (PROTOCOL.md "Reaching other platforms"): 5 to 120 seconds of it. */
export const CreateClipBody = z.object({
  startSeconds: z.number().min(0).max(86_400),
  endSeconds: z.number().min(0).max(86_400),
  title: z.string().trim().min(1).max(120).optional(),
  productId: Id.optional(),
}).refine(clip => clip.endSeconds - clip.startSeconds >= 5 && clip.endSeconds - clip.startSeconds <= 120, { message: 'a clip is 5 to 120 seconds long', path: ['endSeconds'] })

export type CreateClipInput = z.infer<typeof CreateClipBody>
