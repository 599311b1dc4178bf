import { createError, getHeader, type H3Event } from 'h3'

/** The largest JSON body an API route reads; uploads have their own limits. */
export const MAX_JSON_BYTES = 256 * 1024

// Routes that read their bodies themselves: uploads and recording chunks (streamed to disk),
// WHIP/WHEP (SDP, not JSON), and the catalogue import (CSV or JSON, up to 5 MiB).
/** RFC 8058's one-click unsubscribe: mail providers POST `List-Unsubscribe=One-Click` as a form, not JSON. */
const ONE_CLICK = /^\/api\/reminders\/[^/]+\/unsubscribe$/
const FORM = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i

const STREAMED = [/^\/api\/uploads\//, /^\/api\/products\/import$/, /^\/api\/livestreams\/[^/]+\/recording\/[^/]+$/, /^\/api\/livestreams\/[^/]+\/(whip|whep)(\/[^/]+)?$/]

// Every other API body: JSON only (415 otherwise, which also keeps cross-site HTML forms out), and
// read here under a size limit (413), so no handler can be made to buffer an endless body.
export default defineEventHandler(async (event) => {
  try {
    await checkBody(event)
  }
  catch (error) {
    throw toHttpError(error)
  }
})

async function checkBody(event: H3Event) {
  if (!event.path.startsWith('/api/') || !['POST', 'PUT', 'PATCH', 'DELETE'].includes(event.method)) return
  if (STREAMED.some(pattern => pattern.test(event.path.split('?')[0]!))) return
  const length = Number(getHeader(event, 'content-length') ?? 0)
  const chunked = !!getHeader(event, 'transfer-encoding')
  if (!length && !chunked) return
  const type = getHeader(event, 'content-type') ?? ''
  // Read (capped) and dropped: the unsubscribe link's token is in its URL, the form says nothing more.
  if (ONE_CLICK.test(event.path.split('?')[0]!) && FORM.test(type)) return void await readCappedBody(event, 4096, 'an unsubscribe form')
  if (!/^application\/json\s*(;|$)/i.test(type)) throw createError({ statusCode: 415, message: 'send JSON (Content-Type: application/json)' })
  // h3's readBody takes the body from here instead of the request stream.
  ;(event as unknown as { _requestBody: Buffer })._requestBody = await readCappedBody(event, MAX_JSON_BYTES, 'a JSON body')
}
