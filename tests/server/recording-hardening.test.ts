// A recording's edges: chunk numbers within reason, one replay per show whatever races for it,
// and nothing of a deleted show left on disk or served.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { adminToken, api, liveStream } from '../support/api'

const admin = () => ({ token: adminToken() })
const FIXTURE = join(__dirname, '../fixtures/recording')
const recordedChunks = () => readdirSync(FIXTURE).filter(name => name.endsWith('.webm')).sort().map(name => readFileSync(join(FIXTURE, name)))
const put = (id: string, seq: number, bytes: Buffer) =>
  api(`/api/livestreams/${id}/recording/${seq}`, { method: 'PUT', ...admin(), raw: bytes, contentType: 'video/webm' })
const finalize = (id: string) => api(`/api/livestreams/${id}/recording/finalize`, { method: 'POST', ...admin() })
const videos = () => {
  try {
    return readdirSync(join(inject('dataDir'), 'uploads', 'videos'))
  }
  catch {
    return []
  }
}

describe('recording chunk numbers', () => {
  it('are bounded, and what is missing is said as ranges, in a small answer', async () => {
    const stream = await liveStream()
    const [first] = recordedChunks()
    expect((await put(stream.id, 10_000_000, first!)).status).toBe(400)
    expect((await put(stream.id, 50_000, first!)).status).toBe(400)
    expect((await put(stream.id, 49_999, first!)).status).toBe(204)
    expect((await put(stream.id, 3, first!)).status).toBe(204)
    const status = await api(`/api/livestreams/${stream.id}/recording`, admin())
    expect(status.body).toMatchObject({ chunks: 2, nextSeq: 50_000, missing: [{ from: 0, to: 2 }, { from: 4, to: 49_998 }] })
    expect(JSON.stringify(status.body).length).toBeLessThan(300)
  })
})

describe('finalizing a recording', () => {
  it('makes one replay however many ask at once, and takes no chunk after it', async () => {
    const stream = await liveStream()
    for (const [seq, bytes] of recordedChunks().entries()) await put(stream.id, seq, bytes)
    await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })
    const before = videos().length
    const answers = await Promise.all([finalize(stream.id), finalize(stream.id), finalize(stream.id)])
    expect(answers.map(answer => answer.status)).toEqual([200, 200, 200])
    const urls = new Set(answers.map(answer => answer.body.videoUrl))
    expect(urls.size).toBe(1)
    expect(videos().length).toBe(before + 1)
    // A late chunk and a second finalize must not replace the replay with a shorter one.
    const late = await put(stream.id, 0, recordedChunks()[0]!)
    expect(late.status).toBe(409)
    expect((await finalize(stream.id)).body.videoUrl).toBe([...urls][0])
    expect((await api(`/api/livestreams/${stream.id}`)).body.livestream.videoUrl).toBe([...urls][0])
  })
})

describe('deleting a show', () => {
  it('removes its chunks, its replay and its thumbnail: none is served any more', async () => {
    const stream = await liveStream()
    for (const [seq, bytes] of recordedChunks().entries()) await put(stream.id, seq, bytes)
    await api(`/api/livestreams/${stream.id}/stop`, { method: 'POST', ...admin() })
    const { videoUrl } = (await finalize(stream.id)).body
    // A chunk sent after the stop and before the delete stays in the folder until the delete.
    expect((await fetch(`${inject('baseURL')}${videoUrl}`)).status).toBe(200)
    expect((await api(`/api/livestreams/${stream.id}`, { method: 'DELETE', ...admin() })).status).toBe(204)
    expect((await fetch(`${inject('baseURL')}${videoUrl}`)).status).toBe(404)
    expect(existsSync(join(inject('dataDir'), videoUrl.replace('/uploads/', 'uploads/')))).toBe(false)
    expect(existsSync(join(inject('dataDir'), 'recordings', stream.id))).toBe(false)
  })
})
