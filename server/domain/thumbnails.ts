import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { newId } from '../db/ids'
import { chunkName, listChunks } from '../media/chunks'
import { grabFrame } from '../media/frame-grab'
import { publishFile, removeQuietly } from '../utils/files'
import type { Core } from './core'
import { setLivestreamMedia } from './livestreams'

/** Where in the show its picture is taken: past the first second, where a camera is still adjusting. */
const FRAME_AT_SECONDS = 3

/**
 * Gives a show whose media the server records (relay and janus modes: an encoder like OBS has no
 * page to draw one) a thumbnail from its recording: the first chunks while it is live, or the
 * replay. A show that already has one (the studio draws its own) keeps it. Answers whether one
 * was set; without ffmpeg, none is.
 */
export async function thumbnailFromRecording(core: Core, livestreamId: string): Promise<boolean> {
  const stream = await core.store.getLivestream(livestreamId)
  if (!stream || stream.thumbnailUrl) return false
  const inputs = stream.videoUrl?.startsWith('/uploads/')
    ? [join(core.paths.uploads, stream.videoUrl.slice('/uploads/'.length))]
    // The first run's first chunks: its first one holds the WebM header the rest continue.
    : (await listChunks(core.paths.recording(livestreamId))).slice(0, 3).map(seq => join(core.paths.recording(livestreamId), chunkName(seq)))
  if (!inputs.length) return false
  await mkdir(core.paths.incoming, { recursive: true })
  const out = join(core.paths.incoming, `${newId()}.jpg`)
  try {
    if (!await grabFrame(inputs, out, FRAME_AT_SECONDS)) return false
    // The studio may have sent its own meanwhile: that one wins.
    if ((await core.store.getLivestream(livestreamId))?.thumbnailUrl) return false
    await setLivestreamMedia(core, livestreamId, { thumbnailUrl: await publishFile(core.paths, out, 'thumbnail', 'image/jpeg') })
    return true
  }
  finally {
    await removeQuietly(out)
  }
}
