import { listChunks } from '../media/chunks'
import type { Core } from './core'
import { listenTo } from './events'
import { finalizeRecording } from './recording'

/**
 * What the media backend does as a show moves on, wired where the app is assembled: it records
 * while the show is live, and when it ends its sessions close and the recording is saved as the
 * replay, by the server (the studio no longer uploads it in relay and janus modes). The media's
 * own news (publishing or not) becomes a domain event, which the room hears as `media_state`.
 */
export function wireMediaLifecycle(core: Core): () => void {
  const { media } = core
  if (media.mode === 'p2p') return () => {}
  media.onEvent(event => core.events.emit('media', { livestreamId: event.livestreamId, publishing: event.publishing }))

  const record = async (livestreamId: string) => {
    const dir = core.paths.recording(livestreamId)
    const chunks = await listChunks(dir)
    await media.setLive(livestreamId, { dir, firstSeq: chunks.length ? chunks.at(-1)! + 1 : 0 })
  }
  const saveReplay = async (livestreamId: string) => {
    await media.setLive(livestreamId, null)
    await media.stopShow(livestreamId)
    if ((await listChunks(core.paths.recording(livestreamId))).length) await finalizeRecording(core, livestreamId)
  }
  const report = (what: string) => (error: unknown) => console.error(`[media] could not ${what}`, error)

  // Shows live before a restart record again when their publisher comes back.
  void core.store.listLivestreams({ status: 'live', limit: 1000 })
    .then(shows => Promise.all(shows.map(show => record(show.id))))
    .catch(report('resume the recordings of live shows'))

  return listenTo(core.events, {
    started: ({ livestream }) => void record(livestream.id).catch(report('start recording')),
    stopped: livestream => void saveReplay(livestream.id).catch(report('save the replay')),
  })
}
