import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createError, getHeader, getRouterParam, sendStream, setResponseHeader, setResponseHeaders, setResponseStatus } from 'h3'
import { DomainError } from '../../domain/errors'
import { CONTENT_TYPES, SERVED_NAME } from '../../utils/files'
import { parseRange } from '../../utils/range'

// Uploaded media, with Range support so a replay can seek. Only names the server gave out match:
// no path a client makes up can reach anything else on disk. Refusals answer in PROTOCOL.md's
// error shape, like the API's.
export default defineApiHandler(async (event) => {
  if (event.method !== 'GET' && event.method !== 'HEAD') {
    setResponseHeader(event, 'Allow', 'GET, HEAD')
    throw createError({ statusCode: 405, message: 'uploaded files are read only' })
  }
  const path = getRouterParam(event, 'path') ?? ''
  const match = SERVED_NAME.exec(path)
  if (!match) throw new DomainError('not_found', 'no such file')
  const file = join((await useCore()).paths.uploads, path)
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) throw new DomainError('not_found', 'no such file')

  setResponseHeaders(event, {
    'Content-Type': CONTENT_TYPES[match[2]!]!,
    'Accept-Ranges': 'bytes',
    // Names are never reused, so a copy can be kept for good.
    'Cache-Control': 'public, max-age=31536000, immutable',
    'Last-Modified': info.mtime.toUTCString(),
  })
  const rangeHeader = getHeader(event, 'range')
  let start = 0
  let end = info.size - 1
  if (rangeHeader) {
    const range = parseRange(rangeHeader, info.size)
    if (!range) {
      setResponseHeaders(event, { 'Content-Range': `bytes */${info.size}` })
      throw createError({ statusCode: 416, message: 'range not satisfiable' })
    }
    ({ start, end } = range)
    setResponseStatus(event, 206)
    setResponseHeaders(event, { 'Content-Range': `bytes ${start}-${end}/${info.size}` })
  }
  setResponseHeaders(event, { 'Content-Length': String(Math.max(0, end - start + 1)) })
  if (event.method === 'HEAD' || info.size === 0) return ''
  return sendStream(event, createReadStream(file, { start, end }))
})
