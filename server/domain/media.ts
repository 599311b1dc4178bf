import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { MediaError, type SessionKind } from '../media/backend'
import type { AuthUser } from '../utils/jwt'
import type { Core } from './core'
import { DomainError, notFound } from './errors'
import { findLivestream } from './livestreams'
import type { Actor } from './limits'

const digest = (key: string) => createHash('sha256').update(key).digest('hex')

/** The core's refusal for a media backend's. */
function refused(error: unknown): never {
  if (error instanceof MediaError) throw new DomainError(error.code, error.message, error.code === 'unavailable' ? { retryAfterSeconds: 5 } : undefined)
  throw error
}

const attempt = <T>(work: Promise<T>) => work.catch(refused)

/** Where a show's media is published and played, for the studio, the live page and any WHIP/WHEP client. */
export async function mediaInfo(core: Core, id: string, base: string, iceServers: unknown[]) {
  await findLivestream(core, id)
  const { mode } = core.media
  const urls = mode === 'p2p' ? {} : { whipUrl: `${base}/api/livestreams/${id}/whip`, whepUrl: `${base}/api/livestreams/${id}/whep` }
  const { publishing, viewers, max } = await core.media.status(id)
  // HLS (NUXT_HLS): where a page that WebRTC cannot reach plays the show, a few seconds behind.
  const hlsUrl = mode !== 'p2p' && core.restream.hls ? `${base}/live/${id}/hls/index.m3u8` : undefined
  // How full the show is on this process, and where the ones it turns away can watch (PROTOCOL.md, "Capacity and overload").
  const capacity = mode === 'p2p' ? {} : { capacity: { viewers, max: max ?? core.media.maxViewers, ...(hlsUrl ? { overflow: hlsUrl } : {}) } }
  return { mode, ...urls, iceServers, publishing, ...capacity, ...(hlsUrl ? { hlsUrl } : {}) }
}

/** A new stream key for an encoder (OBS: Service "WHIP"); the old one stops working. Only its digest is kept. */
export async function issueStreamKey(core: Core, id: string) {
  const stream = await findLivestream(core, id)
  if (stream.status === 'ended') throw new DomainError('conflict', 'this show has ended')
  const streamKey = `wcs_${randomBytes(24).toString('base64url')}`
  await core.store.updateLivestream(id, { streamKeyHash: digest(streamKey) })
  return streamKey
}

/** Who may publish a show: an admin, or whoever holds its current stream key. */
export async function mayPublish(core: Core, id: string, who: { user: AuthUser | null, bearer?: string }) {
  const stream = await findLivestream(core, id)
  if (who.user?.role === 'admin') return stream
  if (who.user) throw new DomainError('forbidden', 'only the studio or the show\'s stream key may publish')
  const known = stream.streamKeyHash
  const given = who.bearer ? digest(who.bearer) : undefined
  if (!known || !given || !timingSafeEqual(Buffer.from(known), Buffer.from(given))) {
    throw new DomainError('unauthorized', 'publish with the admin\'s token or the show\'s current stream key (Authorization: Bearer)')
  }
  return stream
}

/**
 * A publisher's offer (WHIP): before or while the show is live, never after. Who asks and the
 * show are looked at before the offer is read, so nobody can make the server read a body for a
 * request it would refuse.
 */
export async function publishMedia(core: Core, id: string, who: { user: AuthUser | null, bearer?: string }, readOffer: () => Promise<string>) {
  const stream = await mayPublish(core, id, who)
  if (stream.status === 'ended') throw new DomainError('conflict', 'this show has ended')
  return attempt(core.media.publish(id, await readOffer()))
}

/**
 * A viewer's offer (WHEP): only while the show is live and something is published, and only for
 * an address and browser with a place left (viewer-admission.ts) that have not opened too many
 * sessions lately. The place is the session's until it ends.
 */
export async function playMedia(core: Core, id: string, origin: Actor, readOffer: () => Promise<string>) {
  const stream = await findLivestream(core, id)
  if (stream.status !== 'live') throw new DomainError('not_found', 'this show is not live')
  await core.limits.enforce('whep', origin, 'too many new players;')
  const admission = await core.viewers.admit(origin)
  try {
    const session = await attempt(core.media.play(id, await readOffer()))
    admission.bind(session.sessionId)
    return session
  }
  catch (error) {
    await admission.release()
    throw error
  }
}

export function patchMedia(core: Core, id: string, kind: SessionKind, sessionId: string, fragment: string) {
  return attempt(core.media.patch(id, kind, sessionId, fragment))
}

export async function endMedia(core: Core, id: string, kind: SessionKind, sessionId: string) {
  await attempt(core.media.end(id, kind, sessionId))
}

/** A session's show must be the one in the path: anything else is someone else's session. */
export function sessionOf(id: string | undefined) {
  if (!id || !/^[\w-]{8,64}$/.test(id)) throw notFound('session')
  return id
}
