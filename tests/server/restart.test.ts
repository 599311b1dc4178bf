// What a restart, clean or killed, must put right: who is watching, the last analytics sample,
// and what a killed process left half-written.
import { mkdirSync, utimesSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { api } from '../support/api'
import { startServer, type RunningServer } from '../support/server'
import { TestSocket } from '../support/socket'

const running: RunningServer[] = []
const sockets: TestSocket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  for (const server of running.splice(0).reverse()) await server.stop()
})

async function serverWithLiveShow() {
  const server = await startServer({ NUXT_MONGODB_URI: '' })
  running.push(server)
  const token = (await api('/api/auth/login', { base: server.baseURL, body: { email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD } })).body.token as string
  const { livestream } = (await api('/api/livestreams', { base: server.baseURL, token, body: { title: 'Restarted show', quality: '480p' } })).body
  await api(`/api/livestreams/${livestream.id}/start`, { base: server.baseURL, method: 'POST', token })
  return { server, token, id: livestream.id as string }
}

async function restart(server: RunningServer, how: 'kill' | 'stop') {
  if (how === 'kill') await server.kill()
  else await server.stop({ keepData: true })
  const again = await startServer(server.env, { dataDir: server.dataDir })
  running.push(again)
  return again
}

describe.each(['kill', 'stop'] as const)('after a restart (%s)', (how) => {
  it('counts only the viewers who are really connected', async () => {
    const { server, id } = await serverWithLiveShow()
    for (let i = 0; i < 5; i++) {
      const socket = await TestSocket.open({ base: server.baseURL })
      sockets.push(socket)
      socket.send({ type: 'register', livestreamId: id, sessionId: `session-restart-${i}` })
      await socket.next('registered')
    }
    await new Promise(resolve => setTimeout(resolve, 600))
    expect((await api(`/api/livestreams/${id}`, { base: server.baseURL })).body.livestream.currentViewers).toBe(5)
    const again = await restart(server, how)
    expect((await api(`/api/livestreams/${id}`, { base: again.baseURL })).body.livestream).toMatchObject({ currentViewers: 0, maxViewers: 5 })
  })
})

describe('after a kill -9', () => {
  it('keeps the last counters in the analytics timeline, which waited to be written when it died', async () => {
    const { server, token, id } = await serverWithLiveShow()
    const { token: fan } = (await api('/api/auth/guest', { base: server.baseURL, body: { displayName: 'Fan' } })).body
    await api(`/api/livestreams/${id}/like`, { base: server.baseURL, token: fan, body: { count: 3 } })
    await new Promise(resolve => setTimeout(resolve, 100))
    // Within the 5 s the sample throttle waits: this count is not yet a sample when the process dies.
    await api(`/api/livestreams/${id}/like`, { base: server.baseURL, token: fan, body: { count: 4 } })
    await server.kill()
    const again = await startServer(server.env, { dataDir: server.dataDir })
    running.push(again)
    const analytics = await api(`/api/livestreams/${id}/analytics`, { base: again.baseURL, token })
    expect(analytics.body.summary.likes).toBe(7)
    const hearts = analytics.body.timeline.reduce((sum: number, point: { likes: number }) => sum + point.likes, 0)
    expect(hearts).toBe(7)
  })

  it('removes what the dead process left half-written, and leaves what may be another\'s work', async () => {
    const server = await startServer({ NUXT_MONGODB_URI: '' })
    running.push(server)
    await server.stop({ keepData: true })
    running.pop()
    const old = Date.now() / 1000 - 2 * 3600
    const chunkDir = join(server.dataDir, 'recordings', 'aaaaaaaaaaaaaaaaaaaaaaaa')
    mkdirSync(chunkDir, { recursive: true })
    mkdirSync(join(server.dataDir, 'incoming'), { recursive: true })
    const stale = [join(chunkDir, '00000001.chunk.abc.tmp'), join(server.dataDir, 'incoming', 'upload-part')]
    const fresh = join(server.dataDir, 'incoming', 'in-progress')
    const kept = join(chunkDir, '00000000.chunk')
    for (const path of [...stale, fresh, kept]) writeFileSync(path, 'x')
    for (const path of [...stale, kept]) utimesSync(path, old, old)
    const again = await startServer(server.env, { dataDir: server.dataDir })
    running.push(again)
    expect(stale.map(existsSync)).toEqual([false, false])
    expect(existsSync(fresh)).toBe(true)
    expect(existsSync(kept)).toBe(true)
  })
})
