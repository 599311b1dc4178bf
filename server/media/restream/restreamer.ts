import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Core } from '../../domain/core'
import { pushUrlOf } from '../../domain/destinations'
import { listenTo } from '../../domain/events'
import { createKeyedMutex } from '../../utils/keyed-mutex'
import { watchHlsProgress } from '../hls/hls-progress'
import { rtmpOutput, type CopyTarget } from './copy-output'
import { ShowRestream } from './show-restream'

/** The HLS output's id among a show's outputs (destinations have theirs). */
const HLS = 'hls'

/**
 * HLS for a CDN (NUXT_HLS, PROTOCOL.md "Past one box"): 1 s segments (the transcoder makes a key
 * frame every second; an encoder's own H.264 is cut at its key frames), the last 6 in the playlist,
 * older ones deleted; `temp_file` writes each whole before the playlist names it.
 */
const hlsOutput = (dir: string): CopyTarget => ({
  // Numbered from the epoch second it starts: a packager started again never reuses a name a CDN cached.
  // program_date_time stamps each segment with the wall clock: a player knows how far behind it is
  // and what moment of the show it shows (the page holds pins back by as much).
  output: ['-f', 'hls', '-hls_time', '1', '-hls_list_size', '6', '-hls_flags', 'delete_segments+independent_segments+temp_file+program_date_time', '-hls_start_number_source', 'epoch',
    '-hls_segment_filename', join(dir, '%06d.ts'), join(dir, 'index.m3u8')],
})

/**
 * Pushes each live show that has destinations (and, with HLS on, every live show) from the
 * process that has its media: started when
 * the host's media arrives here, changed when a destination is added or removed, stopped when the
 * show ends or its media stops. Each push's state goes to the studio (`destination_state`).
 * Without ffmpeg, or in p2p mode (no media on the server), it does nothing: the studio says why.
 */
export function wireRestream(core: Core): () => Promise<void> {
  if (!core.restream.ffmpeg || core.media.mode === 'p2p') return async () => {}
  if (core.restream.hls) console.info('[hls] live shows are packaged as HLS at /live/:id/hls/index.m3u8')
  const shows = new Map<string, ShowRestream>()
  /** The segment counters of the shows packaged as HLS here (their metrics). */
  const hlsWatches = new Map<string, () => void>()
  const stopHls = async (livestreamId: string) => {
    hlsWatches.get(livestreamId)?.()
    hlsWatches.delete(livestreamId)
    core.restream.hlsProgress.delete(livestreamId)
    // The HLS of a show that is no longer live goes: its replay is the server's recording.
    await rm(core.paths.hls(livestreamId), { recursive: true, force: true })
  }
  const serial = createKeyedMutex()
  let closing = false

  const report = (livestreamId: string) => (destinationId: string, state: Parameters<ConstructorParameters<typeof ShowRestream>[2]>[1], error?: string) => {
    if (destinationId === HLS) return console.info(`[hls] ${livestreamId}: ${state}${error ? ` (${error})` : ''}`)
    core.restream.states.set(destinationId, { state, ...(error ? { error } : {}) })
    core.events.emit('destinationState', { livestreamId, destinationId, state, ...(error ? { error } : {}) })
    console.info(`[restream] ${livestreamId} -> ${destinationId}: ${state}${error ? ` (${error})` : ''}`)
  }

  const sync = (livestreamId: string) => serial.run(livestreamId, async () => {
    const stream = await core.store.getLivestream(livestreamId)
    const wanted = !closing && stream?.status === 'live' && (await core.media.status(livestreamId)).publishing
    const records = wanted ? await core.store.listDestinations(livestreamId) : []
    let show = shows.get(livestreamId)
    if (!records.length && !(wanted && core.restream.hls)) {
      shows.delete(livestreamId)
      await show?.stop()
      if (core.restream.hls) await stopHls(livestreamId)
      return
    }
    if (!show) {
      show = new ShowRestream(livestreamId, core.media, report(livestreamId))
      if (!await show.start()) return show.stop()
      shows.set(livestreamId, show)
    }
    const targets = new Map<string, CopyTarget>()
    for (const record of records) {
      const target = pushUrlOf(core, record)
      if (target) targets.set(record.id, rtmpOutput(target))
      else report(livestreamId)(record.id, 'failed', 'the stream key cannot be read (the server\'s secret changed): add the destination again')
    }
    if (core.restream.hls) {
      const dir = core.paths.hls(livestreamId)
      await mkdir(dir, { recursive: true })
      if (!hlsWatches.has(livestreamId)) {
        const progress = { segments: 0, lastAt: 0 }
        core.restream.hlsProgress.set(livestreamId, progress)
        hlsWatches.set(livestreamId, watchHlsProgress(dir, progress))
      }
      targets.set(HLS, hlsOutput(dir))
    }
    show.setOutputs(targets)
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
    for (const unwatch of hlsWatches.values()) unwatch()
    hlsWatches.clear()
  }
}
