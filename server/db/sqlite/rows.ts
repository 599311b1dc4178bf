// Row <-> record mapping for the SQLite store. NULL columns become absent fields, as in the API.
import type { Order, Product } from '#shared/types/models'
import type { ChatRecord, LivestreamRecord, SampleRecord, UserRecord } from '../types'

type Row = Record<string, unknown>

/** Copies the entries whose value is not null/undefined, so optional fields are absent, not null. */
function present<T extends object>(record: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null && value !== undefined)) as T
}

export const toUser = (row: Row): UserRecord => present({
  id: row.id,
  email: row.email,
  role: row.role,
  displayName: row.display_name,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
})

export const toLivestream = (row: Row): LivestreamRecord => present({
  id: row.id,
  title: row.title,
  description: row.description,
  quality: row.quality,
  status: row.status,
  scheduledAt: row.scheduled_at,
  startTime: row.start_time,
  endTime: row.end_time,
  durationSeconds: row.duration_seconds,
  likes: row.likes,
  viewCount: row.view_count,
  currentViewers: row.current_viewers,
  maxViewers: row.max_viewers,
  videoUrl: row.video_url,
  thumbnailUrl: row.thumbnail_url,
  replayRuns: typeof row.replay_runs === 'string' ? JSON.parse(row.replay_runs) : undefined,
  createdAt: row.created_at,
})

export const toProduct = (row: Row): Product => present({
  id: row.id,
  name: row.name,
  description: row.description,
  priceCents: row.price_cents,
  currency: row.currency,
  imageUrl: row.image_url,
  stock: row.stock,
  sku: row.sku,
  createdAt: row.created_at,
})

export const toChat = (row: Row): ChatRecord => present({
  id: row.id,
  livestreamId: row.livestream_id,
  userId: row.user_id,
  displayName: row.display_name,
  role: row.role,
  message: row.message,
  clientId: row.client_id,
  createdAt: row.created_at,
})

export const toOrder = (row: Row): Order => present({
  id: row.id,
  userId: row.user_id,
  livestreamId: row.livestream_id,
  items: JSON.parse(row.items as string),
  totalCents: row.total_cents,
  currency: row.currency,
  shipping: JSON.parse(row.shipping as string),
  status: row.status,
  createdAt: row.created_at,
})

export const toSample = (row: Row): SampleRecord => ({
  livestreamId: row.livestream_id as string,
  at: row.at as string,
  currentViewers: row.current_viewers as number,
  likes: row.likes as number,
  viewCount: row.view_count as number,
})

/** API field name -> column, for the fields a caller may change. */
export const LIVESTREAM_COLUMNS = {
  title: 'title',
  description: 'description',
  quality: 'quality',
  scheduledAt: 'scheduled_at',
  status: 'status',
  startTime: 'start_time',
  endTime: 'end_time',
  durationSeconds: 'duration_seconds',
  currentViewers: 'current_viewers',
  videoUrl: 'video_url',
  thumbnailUrl: 'thumbnail_url',
  replayRuns: 'replay_runs',
} as const

export const PRODUCT_COLUMNS = {
  name: 'name',
  description: 'description',
  priceCents: 'price_cents',
  currency: 'currency',
  imageUrl: 'image_url',
  stock: 'stock',
  sku: 'sku',
} as const

/** `SET a = @a, b = @b` for the defined keys of `changes`, with the named parameters to bind. */
export function setClause(changes: object, columns: Record<string, string>): { sql: string, params: Row } {
  const parts: string[] = []
  const params: Row = {}
  for (const [key, value] of Object.entries(changes)) {
    const column = columns[key]
    if (!column || value === undefined) continue
    parts.push(`${column} = @${key}`)
    // SQLite binds scalars only: a structured value is kept as JSON text.
    params[key] = value !== null && typeof value === 'object' ? JSON.stringify(value) : value
  }
  return { sql: parts.join(', '), params }
}
