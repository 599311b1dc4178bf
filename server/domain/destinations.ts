// Restream destinations (PROTOCOL.md "Reaching other platforms"): the admin names where a show
// also goes live (YouTube, TikTok, Twitch, Instagram: their RTMP ingest and stream key). The key
// is sealed at rest and never answered or logged; each destination carries the state of its push.
import type { Destination } from '#shared/types/models'
import type { DestinationRecord } from '../db'
import { newId } from '../db/ids'
import { seal, unseal } from '../utils/secret-box'
import { isoNow, type Core } from './core'
import { DomainError, notFound } from './errors'
import { findLivestream } from './livestreams'

/** A show may go to this many networks at once (each is a push of its own). */
export const MAX_DESTINATIONS = 5

export function presentDestination(core: Pick<Core, 'restream'>, record: DestinationRecord): Destination {
  const { state = 'idle', error } = core.restream.states.get(record.id) ?? {}
  return { id: record.id, livestreamId: record.livestreamId, name: record.name, url: record.url, createdAt: record.createdAt, state, ...(error ? { error } : {}) }
}

export async function listDestinations(core: Core, livestreamId: string) {
  await findLivestream(core, livestreamId)
  const items = (await core.store.listDestinations(livestreamId)).map(record => presentDestination(core, record))
  // The studio says why restreaming is off rather than showing pushes that never start.
  const available = core.restream.ffmpeg && core.media.mode !== 'p2p'
  const reason = !core.restream.ffmpeg
    ? 'ffmpeg is not installed on the server: restreaming is off'
    : core.media.mode === 'p2p' ? 'restreaming needs the server to carry the video (NUXT_MEDIA_MODE relay or janus)' : undefined
  return { items, available, ...(reason ? { reason } : {}) }
}

export async function addDestination(core: Core, livestreamId: string, input: { name: string, url: string, streamKey: string }) {
  const stream = await findLivestream(core, livestreamId)
  if (stream.status === 'ended') throw new DomainError('conflict', 'this show has ended')
  if ((await core.store.listDestinations(livestreamId)).length >= MAX_DESTINATIONS) throw new DomainError('conflict', `at most ${MAX_DESTINATIONS} destinations per show`)
  const record: DestinationRecord = {
    id: newId(core.clock.now()), livestreamId, name: input.name, url: input.url.replace(/\/+$/, ''), keyCipher: seal(input.streamKey, core.restream.secret), createdAt: isoNow(core),
  }
  await core.store.addDestination(record)
  core.events.emit('destinations', { livestreamId })
  return presentDestination(core, record)
}

export async function removeDestination(core: Core, livestreamId: string, destinationId: string) {
  if (!await core.store.deleteDestination(livestreamId, destinationId)) throw notFound('destination')
  core.restream.states.delete(destinationId)
  core.events.emit('destinations', { livestreamId })
}

/** Where a push goes: the ingest URL and the key, or null when the key cannot be read (the server's secret changed). */
export function pushUrlOf(core: Pick<Core, 'restream'>, record: DestinationRecord): { url: string, key: string } | null {
  const key = unseal(record.keyCipher, core.restream.secret)
  return key ? { url: `${record.url}/${key}`, key } : null
}
