import { readFileSync } from 'node:fs'

// The baseline of the HTTP benchmark (bench/http.mjs): a bare handler in the same build, behind
// the same middleware, answering the same JSON as GET /api/livestreams/:id without the store or
// validation. It exists only when WRENCOS_BENCH_BARE_JSON names the file holding that JSON.
// It answers the parsed object, so h3 serializes it on every request as it does for the real one.
let body: unknown

export default defineEventHandler(() => {
  const file = process.env.WRENCOS_BENCH_BARE_JSON
  if (!file) throw createError({ statusCode: 404, statusMessage: 'Not Found' })
  body ??= JSON.parse(readFileSync(file, 'utf8'))
  return body
})
