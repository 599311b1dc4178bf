import { watch, type FSWatcher } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'

/** What the packager of one show has written: for the metrics (segments, and how old the newest is). */
export interface HlsProgress {
  segments: number
  /** When the newest segment was complete (ms since the epoch), 0 before the first. */
  lastAt: number
}

const SEGMENT = /^\d+\.ts$/

/**
 * Counts the segments ffmpeg finishes in `dir`. With `temp_file` each segment is written under a
 * temporary name and renamed when whole, so a rename to a segment's name that exists is one
 * finished segment (a deletion of an old one is a rename too, to a name no longer there).
 */
export function watchHlsProgress(dir: string, progress: HlsProgress): () => void {
  let watcher: FSWatcher | undefined
  try {
    watcher = watch(dir, (event, name) => {
      if (event !== 'rename' || !name || !SEGMENT.test(name)) return
      void stat(join(dir, name)).then(() => {
        progress.segments++
        progress.lastAt = Date.now()
      }, () => {})
    })
    watcher.on('error', () => watcher?.close())
  }
  catch (error) {
    console.error(`[hls] cannot watch ${dir}; its segments go uncounted`, error)
  }
  return () => watcher?.close()
}
