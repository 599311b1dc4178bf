// A Janus of its own for a test file or a benchmark: Debian's `janus` started with the project's
// configuration (deploy/janus/start) on a free WebSocket port, media on loopback only.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, ROOT } from './server.mjs'

export const haveJanus = spawnSync('janus', ['--help'], { stdio: 'ignore' }).status === 0

const answers = port => new Promise((resolve) => {
  const socket = new Socket()
  socket.once('connect', () => {
    socket.destroy()
    resolve(true)
  })
  socket.once('error', () => resolve(false))
  socket.connect(port, '127.0.0.1')
})

/** `secret`: the API secret, shared by an origin and its edges (one is made up when not given). */
export async function startJanus(options = {}) {
  const port = await freePort()
  const secret = options.secret ?? `test-${Math.random().toString(36).slice(2)}`
  const dir = mkdtempSync(join(tmpdir(), 'wrencos-janus-'))
  let child
  let log = ''
  const launch = async () => {
    child = spawn(join(ROOT, 'deploy/janus/start'), ['--ice-enforce-list=lo', '--debug-level=3'], {
      env: { ...process.env, NUXT_JANUS_ADMIN_SECRET: secret, JANUS_WS_PORT: String(port), JANUS_CONFIG_DIR: dir, NUXT_MEDIA_PORT_RANGE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout.on('data', chunk => void (log += chunk.toString()))
    child.stderr.on('data', chunk => void (log += chunk.toString()))
    const deadline = Date.now() + 15_000
    while (Date.now() < deadline) {
      if (await answers(port)) return
      if (child.exitCode !== null) break
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    throw new Error(`janus did not start on ${port}:\n${log}`)
  }
  const end = signal => new Promise((resolve) => {
    // Gone already (an exit code, or the signal that ended it: kill()).
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill(signal)
  })
  await launch()
  const url = `ws://127.0.0.1:${port}`
  return {
    url,
    secret,
    /** The environment a Nuxt process needs for janus mode with this Janus. */
    env: { NUXT_MEDIA_MODE: 'janus', NUXT_JANUS_URL: url, NUXT_JANUS_ADMIN_SECRET: secret },
    /** Janus's own process id (start's `exec` keeps it), for its CPU. */
    get pid() {
      return child.pid
    },
    /** Ends Janus now (SIGKILL: as a crash, nothing said to anyone). */
    kill: () => end('SIGKILL'),
    /** Starts it again on the same port; one still running is killed first, or it would keep the port and outlive stop(). */
    restart: async () => {
      await end('SIGKILL')
      await launch()
    },
    async stop() {
      await end('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
    output: () => log,
  }
}
