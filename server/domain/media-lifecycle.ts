import { listChunks } from '../media/chunks'
import type { Core } from './core'
import { listenTo } from './events'
import { finalizeRecording } from './recording'
import { thumbnailFromRecording } from './thumbnails'

/** How long after media starts arriving its thumbnail is drawn: the frame at 3 s must be in a written chunk (one every 2 s). */
const THUMBNAIL_AFTER_MS = 7000

/**
 * What the media backend does as a show moves on, wired where the app is assembled: it records
 * while the show is live, and when it ends its sessions close and the recording is saved as the
 * replay, by the server (the studio no longer uploads it in relay and janus modes). The media's
 * own news (publishing or not) becomes a domain event, which the room hears as `media_state`.
 * A show without a thumbnail gets one from its first seconds, or else from its replay.
 */
export function wireMediaLifecycle(core: Core): () => void {
  const { media } = core
  if (media.mode === 'p2p') return () => {}
  const report = (what: string) => (error: unknown) => console.error(`[media] could not ${what}`, error)
  const thumbnailTimers = new Map<string, ReturnType<typeof setTimeout>>()
  const drawThumbnailSoon = (livestreamId: string) => {
    clearTimeout(thumbnailTimers.get(livestreamId))
    const timer = setTimeout(() => {
      thumbnailTimers.delete(livestreamId)
      void thumbnailFromRecording(core, livestreamId).catch(report('draw a thumbnail'))
    }, THUMBNAIL_AFTER_MS)
    timer.unref?.()
    thumbnailTimers.set(livestreamId, timer)
  }
  const record = async (livestreamId: string) => {
    const dir = core.paths.recording(livestreamId)
    const chunks = await listChunks(dir)
    await media.setLive(livestreamId, { dir, firstSeq: chunks.length ? chunks.at(-1)! + 1 : 0 })
  }
  // In janus mode the host may publish through another process than the one that started the
  // show: the process the media reaches records it (setLive is a no-op for a run already going).
  const recordIfLive = async (livestreamId: string) => {
    if ((await core.store.getLivestream(livestreamId))?.status === 'live') await record(livestreamId)
  }

  media.onEvent((event) => {
    if (event.type === 'session_ended') return void core.viewers.ended(event.sessionId).catch(report('free a viewer\'s places'))
    core.events.emit('media', { livestreamId: event.livestreamId, publishing: event.publishing })
    if (event.publishing) drawThumbnailSoon(event.livestreamId)
    if (event.publishing && media.mode === 'janus') void recordIfLive(event.livestreamId).catch(report('start recording'))
  })
  const saveReplay = async (livestreamId: string) => {
    await media.setLive(livestreamId, null)
    await media.stopShow(livestreamId)
    if ((await listChunks(core.paths.recording(livestreamId))).length) await finalizeRecording(core, livestreamId)
    await thumbnailFromRecording(core, livestreamId)
  }

  // Shows live before a restart record again when their publisher comes back.
  void core.store.listLivestreams({ status: 'live', limit: 1000 })
    .then(shows => Promise.all(shows.map(show => record(show.id))))
    .catch(report('resume the recordings of live shows'))

  const stopListening = listenTo(core.events, {
    started: ({ livestream }) => void record(livestream.id).catch(report('start recording')),
    stopped: livestream => void saveReplay(livestream.id).catch(report('save the replay')),
  })
  return () => {
    stopListening()
    for (const timer of thumbnailTimers.values()) clearTimeout(timer)
  }
}
