// A show recorded by the server gets its picture from the recording: from the first chunks while
// live, or from the replay. Real Chromium MediaRecorder chunks, real ffmpeg (optional at run time).
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Store } from '../../server/db'
import type { Core } from '../../server/domain/core'
import { listenTo } from '../../server/domain/events'
import { setLivestreamMedia } from '../../server/domain/livestreams'
import { thumbnailFromRecording } from '../../server/domain/thumbnails'
import { chunkName } from '../../server/media/chunks'
import { haveFfmpeg } from '../support/media-source'
import { coreOnStore } from '../support/stores'

const FIXTURE = join(__dirname, '../fixtures/recording')
const fixtureChunks = readdirSync(FIXTURE).filter(name => name.endsWith('.webm')).sort().map(name => join(FIXTURE, name))
const JPEG = Buffer.from([0xFF, 0xD8, 0xFF])

const opened = coreOnStore()
let store: Store
let core: Core
beforeAll(() => {
  ;({ store, core } = opened())
})

async function showWithChunks() {
  const show = await store.createLivestream({ title: 'Thumbnail', description: '', quality: '720p' })
  const dir = core.paths.recording(show.id)
  mkdirSync(dir, { recursive: true })
  fixtureChunks.forEach((path, seq) => copyFileSync(path, join(dir, chunkName(seq))))
  return show.id
}
const fileOf = (url: string) => readFileSync(join(core.paths.uploads, url.slice('/uploads/'.length)))

describe.skipIf(!haveFfmpeg)('thumbnailFromRecording', () => {
  it('draws a JPEG from the first chunks of a recording in progress and says so to the room', async () => {
    const id = await showWithChunks()
    const updates: string[] = []
    const off = listenTo(core.events, { updated: (livestream) => {
      if (livestream.id === id) updates.push(livestream.thumbnailUrl ?? '')
    } })
    expect(await thumbnailFromRecording(core, id)).toBe(true)
    off()
    const { thumbnailUrl } = (await store.getLivestream(id))!
    expect(thumbnailUrl).toMatch(/^\/uploads\/thumbnails\/[0-9a-f]{24}\.jpg$/)
    expect(updates).toEqual([thumbnailUrl])
    const image = fileOf(thumbnailUrl!)
    expect(image.subarray(0, 3)).toEqual(JPEG)
    expect(image.length).toBeGreaterThan(2000)
  })

  it('keeps a thumbnail the show already has, and draws nothing from nothing', async () => {
    const id = await showWithChunks()
    await setLivestreamMedia(core, id, { thumbnailUrl: '/uploads/thumbnails/from-the-studio.jpg' })
    expect(await thumbnailFromRecording(core, id)).toBe(false)
    expect((await store.getLivestream(id))!.thumbnailUrl).toBe('/uploads/thumbnails/from-the-studio.jpg')
    const empty = await store.createLivestream({ title: 'Nothing recorded', description: '', quality: '720p' })
    expect(await thumbnailFromRecording(core, empty.id)).toBe(false)
    expect((await store.getLivestream(empty.id))!.thumbnailUrl).toBeUndefined()
  })

  it('draws from the replay once the chunks are joined', async () => {
    const show = await store.createLivestream({ title: 'Replay', description: '', quality: '720p' })
    mkdirSync(join(core.paths.uploads, 'videos'), { recursive: true })
    const videoUrl = '/uploads/videos/0123456789abcdef01234567.webm'
    copyFileSync(fixtureChunks[0]!, join(core.paths.uploads, videoUrl.slice('/uploads/'.length)))
    await setLivestreamMedia(core, show.id, { videoUrl })
    expect(await thumbnailFromRecording(core, show.id)).toBe(true)
    expect(fileOf((await store.getLivestream(show.id))!.thumbnailUrl!).subarray(0, 3)).toEqual(JPEG)
  })
})
