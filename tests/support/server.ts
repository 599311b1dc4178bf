// Builds the app once and runs the production server (`node .output/server/index.mjs`) on a free
// port with a data directory of its own, as a deployment would run it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../..')

export interface RunningServer {
  baseURL: string
  port: number
  dataDir: string
  env: Record<string, string>
  process: ChildProcess
  /** Ends the process (SIGTERM, as a deployment would); removes the data directory unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>
  /** Kills the process at once (SIGKILL: no shutdown at all), keeping its data. */
  kill(): Promise<void>
  /** Everything the process has printed so far. */
  output(): string
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolvePort(port))
    })
  })
}

/** Runs one of the project's Node scripts (a benchmark, backup, restore) to its end: its exit code and everything it printed. */
export function runScript(path: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null, output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, path), ...args], { cwd: ROOT, env: { ...process.env, ...env } })
    let output = ''
    const collect = (chunk: Buffer) => {
      output += chunk
    }
    child.stdout!.on('data', collect)
    child.stderr!.on('data', collect)
    child.on('exit', code => resolve({ code, output }))
  })
}

export function buildApp(): void {
  const result = spawnSync('npx', ['nuxt', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`nuxt build failed:\n${result.stdout}\n${result.stderr}`)
}

export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url)
      if (response.ok) return
    }
    catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 100))
  }
  throw new Error(`server at ${url} did not answer within ${timeoutMs} ms`)
}

/** Starts the built server; `env` adds to (or overrides) the test defaults. */
/**
 * Every test reaches the shared server from 127.0.0.1, so the per-address limits (meant for one
 * household or carrier address) are raised for it; per-user limits stay as shipped. The hardening
 * tests (tests/server/abuse.test.ts) start a server of their own with every default.
 */
const UNLIMITED = { burst: 100_000, perSecond: 10_000 }
export const LOOPBACK_LIMITS: Record<string, string> = {
  NUXT_RATE_LIMITS: JSON.stringify({
    ...Object.fromEntries(['login', 'signup', 'like', 'hearts', 'chat', 'order', 'events', 'whep'].map(name => [name, { perAddress: UNLIMITED, perDevice: UNLIMITED }])),
    view: { perKey: UNLIMITED },
    funnelSession: { perKey: UNLIMITED },
  }),
  NUXT_MAX_SOCKETS_PER_ADDRESS: '100000',
  NUXT_ORDER_MAX_UNITS_PER_ADDRESS: '100000',
  NUXT_DEAL_BUYERS_PER_ADDRESS: '100000',
}

/** `port`: the address a restarted server comes back on, for clients that reconnect by themselves. */
export async function startServer(env: Record<string, string> = {}, options: { dataDir?: string, port?: number } = {}): Promise<RunningServer> {
  const port = options.port ?? await freePort()
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'wrencos-test-'))
  const fullEnv: Record<string, string> = {
    HOST: '127.0.0.1',
    NUXT_DATA_DIR: dataDir,
    NUXT_JWT_SECRET: `test-secret-${Math.random().toString(36).slice(2)}`,
    NUXT_ADMIN_EMAIL: 'admin@wrencos.test',
    NUXT_ADMIN_PASSWORD: 'admin-password-1',
    NUXT_DEMO_DATA: 'true',
    // Host candidates on loopback are enough, and no test may reach a public STUN server.
    NUXT_PUBLIC_ICE_SERVERS: '[]',
    // The shared server keeps the mesh (its tests are the p2p mode's); relay and janus tests start servers of their own.
    NUXT_MEDIA_MODE: 'p2p',
    NUXT_MEDIA_LOOPBACK: 'true',
    ...LOOPBACK_LIMITS,
    // Every absolute URL the server answers starts with this, whatever Host a request names.
    NUXT_PUBLIC_SITE_URL: `http://127.0.0.1:${port}`,
    ...env,
    // Always the port asked for or one of its own, even when `env` is another server's (a restart on the same data).
    PORT: String(port),
  }
  const child = spawn(process.execPath, [join(ROOT, '.output/server/index.mjs')], {
    cwd: ROOT,
    env: { ...process.env, ...fullEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk: Buffer) => {
    output += chunk
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  const baseURL = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(`${baseURL}/api/products`)
  }
  catch (error) {
    child.kill('SIGKILL')
    throw new Error(`${(error as Error).message}\n${output}`, { cause: error })
  }
  return {
    baseURL,
    port,
    dataDir,
    env: fullEnv,
    process: child,
    output: () => output,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise(r => child.once('exit', r))
      child.kill('SIGKILL')
      await exited
    },
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise(r => child.once('exit', r))
        child.kill('SIGTERM')
        await Promise.race([exited, new Promise(r => setTimeout(r, 5000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      if (!keepData) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
