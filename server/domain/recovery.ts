import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Presence } from '../realtime/bus'
import type { Core } from './core'
import { isoNow } from './core'

/** How far back a show's last sample is checked at start: longer than any process lives unnoticed. */
const RECENT_MS = 24 * 3600 * 1000
/** A half-written file older than this was left by a process that died; younger ones may be another's work. */
export const LEFTOVER_AGE_MS = 3600 * 1000

/**
 * Who is watching is who is connected, not what the store said before a restart (5 viewers,
 * kill -9, restart: still 5). Sets each live show's count from presence, which after a restart
 * holds only the sockets really open (across processes, those of processes still alive).
 */
export async function reconcileViewerCounts(core: Core, presence: Presence) {
  const live = await core.store.listLivestreams({ status: 'live', limit: 1000 })
  for (const stream of live) {
    const count = await presence.count(stream.id)
    if (count !== stream.currentViewers) await core.store.setCurrentViewers(stream.id, count, isoNow(core))
  }
}

/**
 * An analytics sample waits up to 5 s before it is written; a kill in between lost it. The show's
 * row knows its counters and when they last changed (`countersAt`, written with the change), so
 * the lost sample is written now, stamped with that time: the timeline ends where the show did.
 */
export async function recoverSamples(core: Core) {
  const since = core.clock.now() - RECENT_MS
  const streams = [
    ...await core.store.listLivestreams({ status: 'live', limit: 1000 }),
    ...(await core.store.listLivestreams({ status: 'ended', limit: 200 })).filter(stream => Date.parse(stream.endTime ?? '') > since),
  ]
  for (const stream of streams) {
    if (!stream.countersAt) continue
    const last = (await core.store.listSamples(stream.id)).at(-1)
    if (last && Date.parse(last.at) >= Date.parse(stream.countersAt)) continue
    await core.store.addSample({
      livestreamId: stream.id, at: stream.countersAt, currentViewers: stream.currentViewers, likes: stream.likes, viewCount: stream.viewCount,
    })
  }
}

/**
 * Removes what a killed process left half-written: `.tmp` chunks in the recordings, and parts of
 * uploads and rewrites in `incoming/`, once they are older than LEFTOVER_AGE_MS (several
 * processes may share the data directory, and a younger file may be another's work in progress).
 */
export async function sweepLeftovers(core: Core): Promise<number> {
  const cutoff = core.clock.now() - LEFTOVER_AGE_MS
  const candidates: string[] = []
  for (const name of await readdir(core.paths.incoming).catch(() => [] as string[])) candidates.push(join(core.paths.incoming, name))
  const { recordings } = core.paths
  for (const show of await readdir(recordings).catch(() => [] as string[])) {
    for (const name of await readdir(join(recordings, show)).catch(() => [] as string[])) {
      if (name.endsWith('.tmp')) candidates.push(join(recordings, show, name))
    }
  }
  let removed = 0
  for (const path of candidates) {
    const info = await stat(path).catch(() => null)
    if (!info || info.mtimeMs >= cutoff) continue
    await rm(path, { recursive: true, force: true })
    removed++
  }
  return removed
}
