import { rm } from 'node:fs/promises'
import type { Livestream, PinPeriod } from '#shared/types/models'
import type { CreateLivestreamInput, PatchLivestreamInput } from '#shared/schemas/livestream'
import type { LivestreamChanges, LivestreamPart, LivestreamRecord, LivestreamStatus, ListCursor } from '../db'
import { unpublish } from '../utils/files'
import { isoNow, type Core } from './core'
import { noteCounters } from './counters'
import { decodeCursor, encodeCursor } from './cursor'
import { removeClipFiles } from './clips'
import { DomainError, notFound } from './errors'

/** What a show owns: deleted with it. Its orders are the brand's records and stay. */
const OWNED_PARTS: LivestreamPart[] = ['chat', 'pins', 'views', 'samples', 'moderation', 'deals', 'funnel', 'reminders', 'mails', 'attributions', 'onAir', 'onAirResponses', 'destinations', 'clips']

/** The products pinned on a stream now, in the order they were pinned. */
export async function pinnedProductsOf({ store }: Pick<Core, 'store'>, id: string) {
  return store.getProducts(await store.listPinnedProductIds(id))
}

/** A stored stream as the API shows it: with its pinned products. */
export async function presentLivestream(core: Pick<Core, 'store'>, record: LivestreamRecord): Promise<Livestream> {
  const { countersAt: _internal, streamKeyHash: _secret, ...shown } = record
  return { ...shown, pinnedProducts: await pinnedProductsOf(core, record.id) }
}

export async function findLivestream({ store }: Pick<Core, 'store'>, id: string): Promise<LivestreamRecord> {
  const record = await store.getLivestream(id)
  if (!record) throw notFound('livestream')
  return record
}

export async function listLivestreams(core: Core, query: { status?: LivestreamStatus, limit: number, cursor?: string }) {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined
  // One more than asked tells whether another page exists.
  const records = await core.store.listLivestreams({ status: query.status, limit: query.limit + 1, after })
  const page = records.slice(0, query.limit)
  const items = await Promise.all(page.map(record => presentLivestream(core, record)))
  const last = page.at(-1)
  return { items, nextCursor: records.length > query.limit && last ? encodeCursor(last) : null }
}

export async function createLivestream(core: Core, input: CreateLivestreamInput) {
  const record = await core.store.createLivestream({ ...input, description: input.description ?? '' })
  return presentLivestream(core, record)
}

export async function patchLivestream(core: Core, id: string, patch: PatchLivestreamInput) {
  await findLivestream(core, id)
  const record = (await core.store.updateLivestream(id, patch))!
  const livestream = await presentLivestream(core, record)
  core.events.emit('updated', livestream)
  return livestream
}

/** Deletes a show that is not live, with what it owns: its rows, its recording's chunks, its replay and thumbnail files. */
export async function deleteLivestream(core: Core, id: string) {
  const record = await findLivestream(core, id)
  if (!(await core.store.deleteLivestream(id, ['scheduled', 'ended']))) {
    throw new DomainError('conflict', 'a live stream cannot be deleted; stop it first')
  }
  // After the row: a crash in between leaves parts nothing can reach, never a show without them.
  await removeClipFiles(core, id)
  await core.store.deleteLivestreamParts(id, OWNED_PARTS)
  await rm(core.paths.recording(id), { recursive: true, force: true })
  await Promise.all([unpublish(core.paths, record.videoUrl), unpublish(core.paths, record.thumbnailUrl)])
  core.events.emit('deleted', id)
}

/**
 * Sets the recording's or the thumbnail's URL, and says so (the room hears `livestream_updated`).
 * A file it replaces is removed: nothing refers to it any more.
 */
export async function setLivestreamMedia(core: Core, id: string, media: Pick<LivestreamChanges, 'videoUrl' | 'thumbnailUrl' | 'replayRuns'>) {
  const before = await core.store.getLivestream(id)
  const record = await core.store.updateLivestream(id, media)
  if (!record) return record
  for (const field of ['videoUrl', 'thumbnailUrl'] as const) {
    if (media[field] !== undefined && before?.[field] && before[field] !== record[field]) await unpublish(core.paths, before[field])
  }
  core.events.emit('updated', await presentLivestream(core, record))
  return record
}

/** scheduled -> live. Starting a live stream again is a no-op; an ended one cannot restart. */
export async function startLivestream(core: Core, id: string, streamData?: Record<string, unknown>) {
  const current = await findLivestream(core, id)
  if (current.status === 'ended') throw new DomainError('conflict', 'this livestream has ended')
  if (current.status === 'live') return presentLivestream(core, current)
  const record = await core.store.updateLivestream(id, { status: 'live', startTime: isoNow(core) }, ['scheduled'])
  // Lost a race with another start: whoever won has made it live.
  const livestream = await presentLivestream(core, record ?? await findLivestream(core, id))
  if (record) {
    core.events.emit('started', { livestream, streamData })
    noteCounters(core, record, { now: true })
  }
  return livestream
}

/** live -> ended, with endTime, duration and final counters. Stopping an ended stream answers it as it is. */
export async function stopLivestream(core: Core, id: string) {
  const current = await findLivestream(core, id)
  if (current.status === 'scheduled') throw new DomainError('conflict', 'this livestream is not live')
  if (current.status === 'ended') return presentLivestream(core, current)
  const endTime = new Date(core.clock.now())
  const durationSeconds = current.startTime ? Math.max(0, (endTime.getTime() - Date.parse(current.startTime)) / 1000) : 0
  const ended = endTime.toISOString()
  const record = await core.store.updateLivestream(id, { status: 'ended', endTime: ended, durationSeconds, currentViewers: 0, countersAt: ended }, ['live'])
  if (!record) return presentLivestream(core, await findLivestream(core, id))
  await core.store.closeOpenPins({ livestreamId: id }, endTime.toISOString())
  const livestream = await presentLivestream(core, record)
  core.events.emit('stopped', livestream)
  core.events.emit('pins', { livestreamId: id, pinnedProducts: [] })
  noteCounters(core, record, { now: true })
  return livestream
}

export async function likeLivestream(core: Core, id: string, count: number) {
  const current = await findLivestream(core, id)
  if (current.status !== 'live') throw new DomainError('conflict', 'likes are for live streams')
  const likes = (await core.store.addLikes(id, count, isoNow(core)))!
  noteCounters(core, { ...current, likes })
  return { likes }
}

/**
 * Counts a view: once per session id, while the show is live (replays apart, in `replayViews`; a
 * scheduled show counts none), and at most a few new sessions per address in a while, so one
 * address cannot make views up. Answers the stream as it is after the view, and whether it counted.
 * Over the per-address limit it refuses (429) unless `quietly`, as the socket registers: watching
 * is never refused, only not counted.
 */
export async function viewLivestream(core: Core, id: string, sessionId: string, options: { address?: string, quietly?: boolean } = {}) {
  const current = await findLivestream(core, id)
  if (current.status === 'scheduled') return { record: current, counted: false }
  try {
    await core.limits.enforce('view', { key: options.address && `${id}|${options.address}` })
  }
  catch (error) {
    if (options.quietly) return { record: current, counted: false }
    throw error
  }
  const kind = current.status === 'live' ? 'live' : 'replay'
  const count = await core.store.addView(id, sessionId, isoNow(core), kind)
  if (count === null) throw notFound('livestream')
  const counter = kind === 'live' ? 'viewCount' : 'replayViews'
  if (count === current[counter]) return { record: current, counted: false }
  const record = { ...current, [counter]: count }
  if (kind === 'live') noteCounters(core, record)
  return { record, counted: true }
}

export async function pinProduct(core: Core, id: string, productId: string, pinned: boolean) {
  const current = await findLivestream(core, id)
  if (current.status === 'ended') throw new DomainError('conflict', 'this livestream has ended')
  if (!(await core.store.getProducts([productId])).length) throw notFound('product')
  await core.store.setPinned(id, productId, pinned, isoNow(core))
  const pinnedProducts = await pinnedProductsOf(core, id)
  core.events.emit('pins', { livestreamId: id, pinnedProducts })
  return { pinnedProducts }
}

/** The live shows that pin any of `productIds` now. */
export async function liveShowsPinning(core: Core, productIds: string[]): Promise<string[]> {
  const live = await core.store.listLivestreams({ status: 'live', limit: 1000 })
  const pinning = await Promise.all(live.map(async (stream) => {
    const pinned = await core.store.listPinnedProductIds(stream.id)
    return pinned.some(id => productIds.includes(id)) ? stream.id : null
  }))
  return pinning.filter(id => id !== null)
}

/** These shows' pins changed (stock after an order, an edit, a deletion): their rooms get fresh cards. */
export async function announcePins(core: Core, livestreamIds: string[]) {
  for (const livestreamId of livestreamIds) {
    core.events.emit('pins', { livestreamId, pinnedProducts: await pinnedProductsOf(core, livestreamId) })
  }
}

/** Every show in `status` (at most `max`), newest first, read a page at a time: the sitemap's, the reminders' scans. */
export async function allLivestreams({ store }: Pick<Core, 'store'>, status: LivestreamStatus, max = Number.POSITIVE_INFINITY): Promise<LivestreamRecord[]> {
  const found: LivestreamRecord[] = []
  let after: ListCursor | undefined
  while (found.length < max) {
    const page = await store.listLivestreams({ status, limit: 500, after })
    found.push(...page)
    if (page.length < 500) break
    after = { createdAt: page.at(-1)!.createdAt, id: page.at(-1)!.id }
  }
  return found.slice(0, max)
}

/** Every pin period of a stream with its product (deleted ones included): the chapters of a replay. */
export async function listPinPeriods(core: Core, id: string): Promise<PinPeriod[]> {
  await findLivestream(core, id)
  const pins = await core.store.listPins(id)
  const products = new Map((await core.store.getProducts([...new Set(pins.map(pin => pin.productId))], { includeDeleted: true })).map(p => [p.id, p]))
  return pins.flatMap((pin) => {
    const product = products.get(pin.productId)
    return product ? [{ product, pinnedAt: pin.pinnedAt, ...(pin.unpinnedAt ? { unpinnedAt: pin.unpinnedAt } : {}) }] : []
  })
}
