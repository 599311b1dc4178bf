import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { adminToken, api, createProduct, createStream, guest, liveStream } from '../support/api'

const admin = () => ({ token: adminToken() })
const UNKNOWN = 'ffffffffffffffffffffffff'

/** Bytes that start the way a real file of that type does (its magic number), then filler. */
const WEBM = (size = 4096) => Buffer.concat([Buffer.from([0x1A, 0x45, 0xDF, 0xA3]), Buffer.alloc(size - 4, 7)])
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), Buffer.alloc(200, 1)])

function form(fields: Record<string, string>, file?: { field: string, bytes: Buffer, type: string, name: string }) {
  const data = new FormData()
  for (const [key, value] of Object.entries(fields)) data.append(key, value)
  if (file) data.append(file.field, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name)
  return data
}

/** Four one-second chunks from Chromium's MediaRecorder (tests/fixtures/record-fixture.mjs). */
const FIXTURE = join(__dirname, '../fixtures/recording')
const recordedChunks = () => readdirSync(FIXTURE).filter(name => name.endsWith('.webm')).sort()
  .map(name => readFileSync(join(FIXTURE, name)))

const incomingFiles = () => {
  try {
    return readdirSync(join(inject('dataDir'), 'incoming'))
  }
  catch {
    return []
  }
}

describe('POST /api/uploads/livestream-video', () => {
  it('stores the video under a server-chosen name, sets videoUrl, and serves it with Range', async () => {
    const stream = await createStream()
    const bytes = WEBM(10_000)
    const response = await api('/api/uploads/livestream-video', { ...admin(), raw: form({ livestreamId: stream.id }, { field: 'video', bytes, type: 'video/webm', name: '../../etc/passwd.webm' }) })
    expect(response.status).toBe(201)
    expect(response.body.videoUrl).toMatch(/^\/uploads\/videos\/[0-9a-f]{24}\.webm$/)
    expect(response.body.filename).toBe(response.body.videoUrl.split('/').pop())
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.videoUrl).toBe(response.body.videoUrl)

    const whole = await fetch(`${inject('baseURL')}${response.body.videoUrl}`)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('accept-ranges')).toBe('bytes')
    expect(whole.headers.get('content-type')).toBe('video/webm')
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true)

    const part = await fetch(`${inject('baseURL')}${response.body.videoUrl}`, { headers: { range: 'bytes=100-199' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true)

    const tail = await fetch(`${inject('baseURL')}${response.body.videoUrl}`, { headers: { range: 'bytes=-10' } })
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(-10))).toBe(true)
    const beyond = await fetch(`${inject('baseURL')}${response.body.videoUrl}`, { headers: { range: 'bytes=20000-' } })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`)
  })

  it('refuses a wrong type (415), a file whose bytes lie about its type (415), and a missing file (400)', async () => {
    const stream = await createStream()
    const upload = (data: FormData) => api('/api/uploads/livestream-video', { ...admin(), raw: data })
    expect((await upload(form({ livestreamId: stream.id }, { field: 'video', bytes: PNG, type: 'image/png', name: 'a.png' }))).status).toBe(415)
    expect((await upload(form({ livestreamId: stream.id }, { field: 'video', bytes: Buffer.from('<html>not a video</html>'), type: 'video/webm', name: 'a.webm' }))).status).toBe(415)
    expect((await upload(form({ livestreamId: stream.id }))).status).toBe(400)
    expect((await api('/api/uploads/livestream-video', { ...admin(), body: { livestreamId: stream.id } })).status).toBe(415)
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.videoUrl).toBeUndefined()
    expect(incomingFiles()).toEqual([])
  })

  it('refuses an unknown stream (404) or a bad id (400) and keeps nothing it received', async () => {
    const file = { field: 'video', bytes: WEBM(), type: 'video/webm', name: 'v.webm' }
    expect((await api('/api/uploads/livestream-video', { ...admin(), raw: form({ livestreamId: UNKNOWN }, file) })).status).toBe(404)
    expect((await api('/api/uploads/livestream-video', { ...admin(), raw: form({ livestreamId: '../x' }, file) })).status).toBe(400)
    expect(incomingFiles()).toEqual([])
  })

  it('is for admins only', async () => {
    const stream = await createStream()
    const { token } = await guest()
    const data = form({ livestreamId: stream.id }, { field: 'video', bytes: WEBM(), type: 'video/webm', name: 'v.webm' })
    expect((await api('/api/uploads/livestream-video', { token, raw: data })).status).toBe(403)
  })
})

describe('POST /api/uploads/thumbnail and product-image', () => {
  it('sets the thumbnail of a stream and the image of a product', async () => {
    const stream = await createStream()
    const thumb = await api('/api/uploads/thumbnail', { ...admin(), raw: form({ livestreamId: stream.id }, { field: 'thumbnail', bytes: PNG, type: 'image/png', name: 't.png' }) })
    expect(thumb.status).toBe(201)
    expect(thumb.body.thumbnailUrl).toMatch(/^\/uploads\/thumbnails\/[0-9a-f]{24}\.png$/)
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.thumbnailUrl).toBe(thumb.body.thumbnailUrl)
    const served = await fetch(`${inject('baseURL')}${thumb.body.thumbnailUrl}`)
    expect(served.headers.get('content-type')).toBe('image/png')

    const product = await createProduct()
    const image = await api('/api/uploads/product-image', { ...admin(), raw: form({ productId: product.id }, { field: 'image', bytes: PNG, type: 'image/png', name: 'p.png' }) })
    expect(image.status).toBe(201)
    expect((await api(`/api/products/${product.id}`)).body.product.imageUrl).toBe(image.body.imageUrl)
  })

  it('refuses a body announced as larger than the limit with 413 before reading it', async () => {
    const stream = await createStream()
    const big = form({ livestreamId: stream.id }, { field: 'thumbnail', bytes: Buffer.concat([PNG, Buffer.alloc(11 * 1024 * 1024)]), type: 'image/png', name: 'big.png' })
    const response = await api('/api/uploads/thumbnail', { ...admin(), raw: big })
    expect(response.status).toBe(413)
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.thumbnailUrl).toBeUndefined()
  })
})

describe('uploaded files are only what the server named', () => {
  it.each(['/uploads/../wrencos.sqlite', '/uploads/videos/../../wrencos.sqlite', '/uploads/videos/x.webm', '/uploads/incoming/anything'])('%s is 404', async (path) => {
    expect((await fetch(`${inject('baseURL')}${path}`)).status).toBe(404)
  })
})

describe('recording chunks', () => {
  const put = (id: string, seq: number | string, bytes: Buffer, type = 'video/webm', token = adminToken()) =>
    api(`/api/livestreams/${id}/recording/${seq}`, { method: 'PUT', token, raw: bytes, contentType: type })

  it('keeps chunks per seq (idempotent) and finalizes them, in order, into one seekable WebM', async () => {
    const stream = await liveStream()
    const chunks = recordedChunks()
    expect((await put(stream.id, 1, chunks[1]!)).status).toBe(204)
    expect((await put(stream.id, 0, chunks[0]!)).status).toBe(204)
    for (const [seq, bytes] of chunks.entries()) expect((await put(stream.id, seq, bytes)).status).toBe(204)
    const status = await api(`/api/livestreams/${stream.id}/recording`, admin())
    expect(status.body).toEqual({
      chunks: chunks.length, nextSeq: chunks.length, missing: [], videoUrl: null,
      bytes: chunks.reduce((sum, bytes) => sum + bytes.length, 0),
    })
    expect((await api(`/api/livestreams/${stream.id}/recording/finalize`, { method: 'POST', ...admin() })).status).toBe(409)
    await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })
    const finalized = await api(`/api/livestreams/${stream.id}/recording/finalize`, { method: 'POST', ...admin() })
    expect(finalized.status).toBe(200)
    expect(finalized.body.videoUrl).toMatch(/^\/uploads\/videos\/[0-9a-f]{24}\.webm$/)
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.videoUrl).toBe(finalized.body.videoUrl)
    const file = Buffer.from(await (await fetch(`${inject('baseURL')}${finalized.body.videoUrl}`)).arrayBuffer())
    // The served file is the rewritten one: it carries a Duration (0x4489, an 8-byte float, its size written in 8 bytes) and Cues.
    expect(file.readUInt32BE(0)).toBe(0x1A45DFA3)
    expect(file.includes(Buffer.from([0x44, 0x89, 0x01, 0, 0, 0, 0, 0, 0, 0x08]))).toBe(true)
    expect(file.includes(Buffer.from([0x1C, 0x53, 0xBB, 0x6B]))).toBe(true)
    expect(file.length).toBeGreaterThan(chunks.reduce((sum, bytes) => sum + bytes.length, 0))
    expect((await api(`/api/livestreams/${stream.id}/recording`, admin())).body).toMatchObject({ chunks: 0, videoUrl: finalized.body.videoUrl })
  })

  it('answers 415 for chunks that only look like WebM, and keeps them', async () => {
    const stream = await liveStream()
    await put(stream.id, 0, WEBM(3000))
    await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })
    const response = await api(`/api/livestreams/${stream.id}/recording/finalize`, { method: 'POST', ...admin() })
    expect(response.status).toBe(415)
    expect((await api(`/api/livestreams/${stream.id}/recording`, admin())).body).toMatchObject({ chunks: 1, videoUrl: null })
  })

  it('says what part 0 starts with when the recording is neither WebM nor MP4 (415)', async () => {
    const stream = await liveStream()
    await put(stream.id, 0, Buffer.from('no header here, a later part'))
    await put(stream.id, 1, WEBM())
    await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })
    const response = await api(`/api/livestreams/${stream.id}/recording/finalize`, { method: 'POST', ...admin() })
    expect(response.status).toBe(415)
    expect(response.body.data).toEqual({ chunk: 0, bytes: 28, head: Buffer.from('no header here, ').toString('hex') })
  })

  it('refuses to finalize with a hole in the sequence (409, naming what is missing)', async () => {
    const stream = await liveStream()
    await put(stream.id, 0, WEBM())
    await put(stream.id, 2, Buffer.alloc(10))
    await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })
    const response = await api(`/api/livestreams/${stream.id}/recording/finalize`, { method: 'POST', ...admin() })
    expect(response.status).toBe(409)
    // As ranges: a count bounded by the chunks held, not by the highest number sent.
    expect(response.body.data.missing).toEqual([{ from: 1, to: 1 }])
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.videoUrl).toBeUndefined()
  })

  it('refuses bad seqs (400), other types (415), unknown or scheduled streams (404/409), customers (403)', async () => {
    const stream = await liveStream()
    expect((await put(stream.id, -1, WEBM())).status).toBe(400)
    expect((await put(stream.id, 'abc', WEBM())).status).toBe(400)
    expect((await put(stream.id, 0, WEBM(), 'text/plain')).status).toBe(415)
    expect((await put(UNKNOWN, 0, WEBM())).status).toBe(404)
    const scheduled = await createStream()
    expect((await put(scheduled.id, 0, WEBM())).status).toBe(409)
    const { token } = await guest()
    expect((await put(stream.id, 0, WEBM(), 'video/webm', token)).status).toBe(403)
    await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })
    expect((await api(`/api/livestreams/${stream.id}/recording/finalize`, { method: 'POST', ...admin() })).status).toBe(409)
  })
})
