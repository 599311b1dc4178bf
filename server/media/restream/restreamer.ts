import type { Core } from '../../domain/core'
import { pushUrlOf } from '../../domain/destinations'
import { listenTo } from '../../domain/events'
import { createKeyedMutex } from '../../utils/keyed-mutex'
import { ShowRestream } from './show-restream'

/**
 * Pushes each live show that has destinations, from the process that has its media: started when
 * the host's media arrives here, changed when a destination is added or removed, stopped when the
 * show ends or its media stops. Each push's state goes to the studio (`destination_state`).
 * Without ffmpeg, or in p2p mode (no media on the server), it does nothing: the studio says why.
 */
export function wireRestream(core: Core): () => Promise<void> {
  if (!core.restream.ffmpeg || core.media.mode === 'p2p') return async () => {}
  const shows = new Map<string, ShowRestream>()
  const serial = createKeyedMutex()
  let closing = false

  const report = (livestreamId: string) => (destinationId: string, state: Parameters<ConstructorParameters<typeof ShowRestream>[2]>[1], error?: string) => {
    core.restream.states.set(destinationId, { state, ...(error ? { error } : {}) })
    core.events.emit('destinationState', { livestreamId, destinationId, state, ...(error ? { error } : {}) })
    console.info(`[restream] ${livestreamId} -> ${destinationId}: ${state}${error ? ` (${error})` : ''}`)
  }

  const sync = (livestreamId: string) => serial.run(livestreamId, async () => {
    const stream = await core.store.getLivestream(livestreamId)
    const wanted = !closing && stream?.status === 'live' && (await core.media.status(livestreamId)).publishing
    const records = wanted ? await core.store.listDestinations(livestreamId) : []
    let show = shows.get(livestreamId)
    if (!records.length) {
      shows.delete(livestreamId)
      return show?.stop()
    }
    if (!show) {
      show = new ShowRestream(livestreamId, core.media, report(livestreamId))
      if (!await show.start()) return show.stop()
      shows.set(livestreamId, show)
    }
    const targets = new Map<string, { url: string, key: string }>()
    for (const record of records) {
      const target = pushUrlOf(core, record)
      if (target) targets.set(record.id, target)
      else report(livestreamId)(record.id, 'failed', 'the stream key cannot be read (the server\'s secret changed): add the destination again')
    }
    show.setDestinations(targets)
  }).catch(error => console.error(`[restream] could not update the restream of ${livestreamId}`, error))

  const detach = listenTo(core.events, {
    media: ({ livestreamId }) => void sync(livestreamId),
    destinations: ({ livestreamId }) => void sync(livestreamId),
    stopped: livestream => void sync(livestream.id),
  })
  return async () => {
    closing = true
    detach()
    await Promise.all([...shows.values()].map(show => show.stop()))
    shows.clear()
  }
}
