import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { H3Event } from 'h3'
import { z } from 'zod'
import { Id } from '#shared/schemas/common'

// A live show's HLS (PROTOCOL.md "Past one box"): the playlist, cached for at most a segment, and
// its segments, immutable (each name is used once), so a CDN in front serves the crowd. Any origin
// may play them, as with any public video.
const HlsParams = z.object({ id: Id, file: z.string().regex(/^(index\.m3u8|\d{6,20}\.ts)$/, 'not a file of this playlist') })

/** The live page says which viewer it is (`?v=`); any other player is its address and browser. */
function playerOf(event: H3Event) {
  const named = getQuery(event).v
  if (typeof named === 'string' && /^[\w-]{1,64}$/.test(named)) return named
  return `${clientAddress(event)} ${getRequestHeader(event, 'user-agent') ?? ''}`.slice(0, 300)
}

export default defineEventHandler(async (event) => {
  const { id, file } = await getValidatedRouterParams(event, zodCheck(HlsParams))
  const core = await useCore()
  if (!core.restream.hls) throw createError({ statusCode: 404, statusMessage: 'HLS is off on this server (NUXT_HLS)' })
  const path = join(core.paths.hls(id), file)
  const found = await stat(path).catch(() => null)
  if (!found?.isFile()) throw createError({ statusCode: 404, statusMessage: 'no such HLS file: the show is not live here, or the segment has expired' })
  const playlist = file === 'index.m3u8'
  // A player reloads the playlist every segment: who fetched it lately is who watches (metrics).
  if (playlist) core.restream.hlsAudience.seen(id, playerOf(event))
  setResponseHeaders(event, {
    'Content-Type': playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t',
    'Cache-Control': playlist ? 'public, max-age=1' : 'public, max-age=86400, immutable',
    'Content-Length': String(found.size),
    'Access-Control-Allow-Origin': '*',
  })
  return sendStream(event, createReadStream(path))
})
