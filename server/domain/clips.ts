// Clips (PROTOCOL.md "Reaching other platforms"): short cuts of a replay, one per product chapter in
// a click or a chosen range, cut without re-encoding, each with a thumbnail and a share page
// (/clip/:id) that unfurls like a show's.
import { mkdir } from 'node:fs/promises'
import { extname, join } from 'node:path'
import type { CreateClipInput } from '#shared/schemas/clip'
import type { Clip, Product, ShareCard } from '#shared/types/models'
import { newId } from '../db/ids'
import { cutClip } from '../media/clip-cut'
import { grabFrame } from '../media/frame-grab'
import { CONTENT_TYPES, publishFile, removeQuietly, unpublish } from '../utils/files'
import { isoNow, type Core } from './core'
import { DomainError, notFound } from './errors'
import { findLivestream } from './livestreams'
import { absolute, DEFAULT_CARD, isoDuration } from './share-card'

export async function createClip(core: Core, livestreamId: string, input: CreateClipInput): Promise<Clip> {
  const show = await findLivestream(core, livestreamId)
  if (show.status !== 'ended' || !show.videoUrl?.startsWith('/uploads/')) throw new DomainError('conflict', 'clips are cut from a saved replay')
  if (!core.restream.ffmpeg) throw new DomainError('unavailable', 'ffmpeg is not installed on the server: clips cannot be cut', { retryAfterSeconds: 3600 })
  const [product] = input.productId ? await core.store.getProducts([input.productId], { includeDeleted: true }) : []
  if (input.productId && !product) throw notFound('product')
  const source = join(core.paths.uploads, show.videoUrl.slice('/uploads/'.length))
  const extension = extname(source)
  await mkdir(core.paths.incoming, { recursive: true })
  const video = join(core.paths.incoming, `${newId()}${extension}`)
  const picture = join(core.paths.incoming, `${newId()}.jpg`)
  try {
    if (!await cutClip(source, video, input.startSeconds, input.endSeconds - input.startSeconds)) {
      throw new DomainError('invalid', 'nothing could be cut there: is the range inside the replay?')
    }
    const thumbnail = await grabFrame([video], picture, 0.5)
    const clip: Clip = {
      id: newId(core.clock.now()),
      livestreamId,
      title: input.title ?? (product ? `${product.name} · ${show.title}` : show.title),
      videoUrl: await publishFile(core.paths, video, 'video', CONTENT_TYPES[extension.slice(1)]!),
      ...(thumbnail ? { thumbnailUrl: await publishFile(core.paths, picture, 'thumbnail', 'image/jpeg') } : {}),
      ...(product ? { productId: product.id } : {}),
      startSeconds: input.startSeconds,
      endSeconds: input.endSeconds,
      createdAt: isoNow(core),
    }
    await core.store.addClip(clip)
    return clip
  }
  finally {
    await Promise.all([removeQuietly(video), removeQuietly(picture)])
  }
}

export async function listClips(core: Core, livestreamId: string) {
  await findLivestream(core, livestreamId)
  return core.store.listClips(livestreamId)
}

/** A show's clips' files go with it (the rows go with its parts). */
export async function removeClipFiles(core: Core, livestreamId: string) {
  for (const clip of await core.store.listClips(livestreamId)) {
    await Promise.all([unpublish(core.paths, clip.videoUrl), unpublish(core.paths, clip.thumbnailUrl)])
  }
}

/** A clip as its share page shows it: the clip, its show's title, its product, and the card it unfurls into. */
export async function clipPage(core: Core, clipId: string, origin: string): Promise<{ clip: Clip, show: { id: string, title: string }, product?: Product, share: ShareCard }> {
  const clip = await core.store.getClip(clipId)
  if (!clip) throw notFound('clip')
  const show = await findLivestream(core, clip.livestreamId)
  const [product] = clip.productId ? await core.store.getProducts([clip.productId], { includeDeleted: true }) : []
  const url = `${origin}/clip/${clip.id}`
  const image = absolute(origin, clip.thumbnailUrl ?? product?.imageUrl ?? show.thumbnailUrl ?? DEFAULT_CARD)
  const description = product ? `${product.name}, from ${show.title}: watch it and shop it on WrenCos Live.` : `From ${show.title} on WrenCos Live.`
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'VideoObject',
    'name': clip.title,
    description,
    'thumbnailUrl': [image],
    'uploadDate': clip.createdAt,
    'url': url,
    'contentUrl': absolute(origin, clip.videoUrl),
    'duration': isoDuration(clip.endSeconds - clip.startSeconds),
  }
  return { clip, show: { id: show.id, title: show.title }, ...(product ? { product } : {}), share: { title: clip.title, description, url, image, jsonLd, reminders: false } }
}
