import { z } from 'zod'
import { Id, IsoTime, pageLimit } from './common'

export const QUALITIES = ['480p', '720p', '1080p'] as const
export const STATUSES = ['scheduled', 'live', 'ended'] as const

export const Quality = z.enum(QUALITIES)
export const LivestreamStatus = z.enum(STATUSES)

const Title = z.string().trim().min(1).max(120)
const Description = z.string().trim().max(2000)

export const CreateLivestreamBody = z.object({
  title: Title,
  description: Description.optional(),
  quality: Quality,
  scheduledAt: IsoTime.optional(),
})

export const PatchLivestreamBody = z.object({
  title: Title.optional(),
  description: Description.optional(),
  quality: Quality.optional(),
  // null clears a schedule.
  scheduledAt: IsoTime.nullable().optional(),
}).refine(patch => Object.values(patch).some(value => value !== undefined), 'nothing to change')

export const ListLivestreamsQuery = z.object({
  status: LivestreamStatus.optional(),
  limit: pageLimit(100, 20),
  cursor: z.string().max(200).optional(),
})

/** Which of a show's tables the analytics export answers as CSV. */
export const AnalyticsExportQuery = z.object({ what: z.enum(['orders', 'funnel']) })

export const LikeBody = z.object({ count: z.number().int().min(1).max(50).default(1) })

export const ViewBody = z.object({ sessionId: z.string().trim().min(8).max(128).regex(/^[\w-]+$/, 'not a valid session id') })

export const PinProductBody = z.object({ productId: Id, pinned: z.boolean() })

export const ChatPageQuery = z.object({
  before: Id.optional(),
  limit: pageLimit(100, 50),
})

export const ChatMessageText = z.string().trim().min(1, 'empty message').max(500, 'at most 500 characters')

export type CreateLivestreamInput = z.infer<typeof CreateLivestreamBody>
export type PatchLivestreamInput = z.infer<typeof PatchLivestreamBody>
