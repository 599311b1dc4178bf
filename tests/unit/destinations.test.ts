// Restream destinations in the core: the key sealed and never answered; a studio told why
// restreaming is off (no ffmpeg, or p2p mode); at most five per show.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openSqliteStore } from '../../server/db/sqlite/store'
import { createCore } from '../../server/domain/core'
import { addDestination, listDestinations, MAX_DESTINATIONS, pushUrlOf } from '../../server/domain/destinations'

const coreWith = (ffmpeg: boolean) => createCore({ store: openSqliteStore(':memory:'), dataDir: mkdtempSync(join(tmpdir(), 'wrencos-dest-')), restream: { secret: 'the server secret', ffmpeg } })

describe('restream destinations', () => {
  it('seal the key, never answer it, say why restreaming is off, and stop at five', async () => {
    const core = coreWith(false)
    const show = await core.store.createLivestream({ title: 'Also live', description: '', quality: '720p' })
    const added = await addDestination(core, show.id, { name: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2/', streamKey: 'abcd-efgh-ijkl' })
    expect(added).toEqual({ id: expect.any(String), livestreamId: show.id, name: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2', createdAt: expect.any(String), state: 'idle' })
    const [record] = await core.store.listDestinations(show.id)
    expect(record!.keyCipher).not.toContain('abcd')
    expect(pushUrlOf(core, record!)).toEqual({ url: 'rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl', key: 'abcd-efgh-ijkl' })
    const listed = await listDestinations(core, show.id)
    expect(listed).toMatchObject({ available: false, reason: expect.stringMatching(/ffmpeg is not installed/) })
    expect(JSON.stringify(listed)).not.toContain('abcd')
    // With ffmpeg but no media on the server (p2p): still off, and said why.
    expect(await listDestinations(coreWith(true), show.id).catch(error => error.code)).toBe('not_found')
    const p2p = coreWith(true)
    const other = await p2p.store.createLivestream({ title: 'P2P', description: '', quality: '720p' })
    expect(await listDestinations(p2p, other.id)).toMatchObject({ available: false, reason: expect.stringMatching(/relay or janus/) })
    for (let n = 1; n < MAX_DESTINATIONS; n++) await addDestination(core, show.id, { name: `Net ${n}`, url: 'rtmp://127.0.0.1/live', streamKey: `k${n}` })
    await expect(addDestination(core, show.id, { name: 'One more', url: 'rtmp://127.0.0.1/live', streamKey: 'k' })).rejects.toMatchObject({ code: 'conflict' })
  })
})
