import { createError } from 'h3'
import type { Livestream, PinPeriod } from '#shared/types/models'
import type { CreateLivestreamInput, PatchLivestreamInput } from '#shared/schemas/livestream'
import type { LivestreamChanges, LivestreamRecord, LivestreamStatus, Store } from '../db'
import { roomEvents } from '../realtime/events'
import { decodeCursor, encodeCursor } from './cursor'
import { noteCounters } from './samples'

/** The products pinned on a stream now, in the order they were pinned. */
export async function pinnedProductsOf(store: Store, id: string) {
  return store.getProducts(await store.listPinnedProductIds(id))
}

/** A stored stream as the API shows it: with its pinned products. */
export async function presentLivestream(store: Store, record: LivestreamRecord): Promise<Livestream> {
  return { ...record, pinnedProducts: await pinnedProductsOf(store, record.id) }
}

export async function findLivestream(store: Store, id: string): Promise<LivestreamRecord> {
  const record = await store.getLivestream(id)
  if (!record) throw createError({ statusCode: 404, message: 'no such livestream' })
  return record
}

export async function listLivestreams(store: Store, query: { status?: LivestreamStatus, limit: number, cursor?: string }) {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined
  // One more than asked tells whether another page exists.
  const records = await store.listLivestreams({ status: query.status, limit: query.limit + 1, after })
  const page = records.slice(0, query.limit)
  const items = await Promise.all(page.map(record => presentLivestream(store, record)))
  const last = page.at(-1)
  return { items, nextCursor: records.length > query.limit && last ? encodeCursor(last) : null }
}

export async function createLivestream(store: Store, input: CreateLivestreamInput) {
  const record = await store.createLivestream({ ...input, description: input.description ?? '' })
  return presentLivestream(store, record)
}

export async function patchLivestream(store: Store, id: string, patch: PatchLivestreamInput) {
  await findLivestream(store, id)
  const record = (await store.updateLivestream(id, patch))!
  const livestream = await presentLivestream(store, record)
  roomEvents.emit('updated', livestream)
  return livestream
}

export async function deleteLivestream(store: Store, id: string) {
  await findLivestream(store, id)
  if (!(await store.deleteLivestream(id, ['scheduled', 'ended']))) {
    throw createError({ statusCode: 409, message: 'a live stream cannot be deleted; stop it first' })
  }
  roomEvents.emit('deleted', id)
}

/** Sets the recording's or the thumbnail's URL, and says so (cached answers are dropped). */
export async function setLivestreamMedia(store: Store, id: string, media: Pick<LivestreamChanges, 'videoUrl' | 'thumbnailUrl' | 'replayRuns'>) {
  const record = await store.updateLivestream(id, media)
  if (record) roomEvents.emit('updated', await presentLivestream(store, record))
  return record
}

/** scheduled -> live. Starting a live stream again is a no-op; an ended one cannot restart. */
export async function startLivestream(store: Store, id: string, streamData?: Record<string, unknown>) {
  const current = await findLivestream(store, id)
  if (current.status === 'ended') throw createError({ statusCode: 409, message: 'this livestream has ended' })
  if (current.status === 'live') return presentLivestream(store, current)
  const record = await store.updateLivestream(id, { status: 'live', startTime: new Date().toISOString() }, ['scheduled'])
  // Lost a race with another start: whoever won has made it live.
  const livestream = await presentLivestream(store, record ?? await findLivestream(store, id))
  if (record) {
    roomEvents.emit('started', { livestream, streamData })
    noteCounters(store, record, { now: true })
  }
  return livestream
}

/** live -> ended, with endTime, duration and final counters. Stopping an ended stream answers it as it is. */
export async function stopLivestream(store: Store, id: string) {
  const current = await findLivestream(store, id)
  if (current.status === 'scheduled') throw createError({ statusCode: 409, message: 'this livestream is not live' })
  if (current.status === 'ended') return presentLivestream(store, current)
  const endTime = new Date()
  const durationSeconds = current.startTime ? Math.max(0, (endTime.getTime() - Date.parse(current.startTime)) / 1000) : 0
  const record = await store.updateLivestream(id, { status: 'ended', endTime: endTime.toISOString(), durationSeconds, currentViewers: 0 }, ['live'])
  if (!record) return presentLivestream(store, await findLivestream(store, id))
  await store.closeOpenPins(id, endTime.toISOString())
  const livestream = await presentLivestream(store, record)
  roomEvents.emit('stopped', livestream)
  roomEvents.emit('pins', { livestreamId: id, pinnedProducts: [] })
  noteCounters(store, record, { now: true })
  return livestream
}

export async function likeLivestream(store: Store, id: string, count: number) {
  const current = await findLivestream(store, id)
  if (current.status !== 'live') throw createError({ statusCode: 409, message: 'likes are for live streams' })
  const likes = (await store.addLikes(id, count))!
  noteCounters(store, { ...current, likes })
  return { likes }
}

/** Counts one view per session id; answers the stream as it is after the view (404 if unknown). */
export async function viewLivestream(store: Store, id: string, sessionId: string): Promise<LivestreamRecord> {
  const viewCount = await store.addView(id, sessionId, new Date().toISOString())
  if (viewCount === null) throw createError({ statusCode: 404, message: 'no such livestream' })
  const current = await findLivestream(store, id)
  noteCounters(store, current)
  return current
}

export async function pinProduct(store: Store, id: string, productId: string, pinned: boolean) {
  const current = await findLivestream(store, id)
  if (current.status === 'ended') throw createError({ statusCode: 409, message: 'this livestream has ended' })
  if (!(await store.getProducts([productId])).length) throw createError({ statusCode: 404, message: 'no such product' })
  await store.setPinned(id, productId, pinned, new Date().toISOString())
  const pinnedProducts = await pinnedProductsOf(store, id)
  roomEvents.emit('pins', { livestreamId: id, pinnedProducts })
  return { pinnedProducts }
}

/** Products changed (stock after an order, an edit): live rooms pinning any of them get fresh cards. */
export async function refreshPinsFor(store: Store, productIds: string[]) {
  const live = await store.listLivestreams({ status: 'live', limit: 1000 })
  for (const stream of live) {
    const pinned = await store.listPinnedProductIds(stream.id)
    if (!pinned.some(id => productIds.includes(id))) continue
    roomEvents.emit('pins', { livestreamId: stream.id, pinnedProducts: await store.getProducts(pinned) })
  }
}

/** Every pin period of a stream with its product (deleted ones included): the chapters of a replay. */
export async function listPinPeriods(store: Store, id: string): Promise<PinPeriod[]> {
  await findLivestream(store, id)
  const pins = await store.listPins(id)
  const products = new Map((await store.getProducts([...new Set(pins.map(pin => pin.productId))], { includeDeleted: true })).map(p => [p.id, p]))
  return pins.flatMap((pin) => {
    const product = products.get(pin.productId)
    return product ? [{ product, pinnedAt: pin.pinnedAt, ...(pin.unpinnedAt ? { unpinnedAt: pin.unpinnedAt } : {}) }] : []
  })
}
