// Starts the production build (`node .output/server/index.mjs`) for a benchmark: its own port,
// its own data directory, and readings of its CPU time and resident memory from /proc.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const ROOT = new URL('../..', import.meta.url).pathname
const CLOCK_TICKS = 100 // USER_HZ on Linux

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** Builds the app once if there is no production build yet. */
export async function ensureBuild() {
  if (existsSync(join(ROOT, '.output/server/index.mjs'))) return
  console.log('no production build: running `npx nuxt build` first')
  await new Promise((resolve, reject) => {
    const build = spawn('npx', ['nuxt', 'build'], { cwd: ROOT, stdio: 'inherit' })
    build.once('exit', code => code === 0 ? resolve() : reject(new Error(`nuxt build exited with ${code}`)))
  })
}

/** How long a server has to end after SIGTERM (it closes its sockets and media first) before it is killed. */
const STOP_WAIT_MS = 30_000

/**
 * Every thread's native stack of a process, from elfutils' eu-stack where it is installed: where
 * a server that does not end is waiting. Empty where it cannot be read (a thread that ends while
 * it reads makes it fail, after it printed the others: those are kept).
 */
function nativeStacks(pid) {
  const taken = spawnSync('eu-stack', ['-p', String(pid)], { encoding: 'utf8', timeout: 10_000 })
  return taken.stdout ?? ''
}

/**
 * A running server. `env` adds to the defaults; `dataDir` shares one (two processes on one data).
 * The process is started through `sh -c 'ulimit -n ...'` so it can hold 10,000 sockets.
 */
export async function startServer({ env = {}, dataDir, quiet = true } = {}) {
  await ensureBuild()
  const port = await freePort()
  const ownData = !dataDir
  dataDir ??= mkdtempSync(join(tmpdir(), 'wrencos-bench-'))
  const fullEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    NODE_ENV: 'production',
    NUXT_PUBLIC_SITE_URL: `http://127.0.0.1:${port}`,
    NUXT_DATA_DIR: dataDir,
    NUXT_JWT_SECRET: env.NUXT_JWT_SECRET ?? 'bench-secret-bench-secret-bench-secret',
    NUXT_ADMIN_EMAIL: 'admin@bench.local',
    NUXT_ADMIN_PASSWORD: 'bench-admin-password',
    NUXT_PUBLIC_ICE_SERVERS: '[]',
    // The load comes from one address (127.0.0.1): the per-address limits, meant for one household
    // or carrier address, would measure themselves. Per-user limits stay as shipped.
    NUXT_RATE_LIMITS: JSON.stringify(Object.fromEntries(['login', 'signup', 'like', 'hearts', 'chat', 'order', 'view', 'whep', 'funnelSession'].map(name =>
      [name, { perAddress: { burst: 1e9, perSecond: 1e9 }, perDevice: { burst: 1e9, perSecond: 1e9 }, ...(['view', 'signup', 'funnelSession'].includes(name) ? { perKey: { burst: 1e9, perSecond: 1e9 } } : {}) }]))),
    NUXT_MAX_SOCKETS_PER_ADDRESS: '1000000',
    NUXT_ORDER_MAX_UNITS_PER_ADDRESS: '1000000',
    NUXT_DEAL_BUYERS_PER_ADDRESS: '1000000',
    // Readable lines, without production's access line per request: a run of a million requests
    // would otherwise print a million lines between the figures.
    NUXT_LOG_FORMAT: process.env.NUXT_LOG_FORMAT ?? 'pretty',
    ...env,
  }
  // WRENCOS_BENCH_NODE_OPTIONS (e.g. --cpu-prof) profiles the server under load.
  const nodeOptions = process.env.WRENCOS_BENCH_NODE_OPTIONS ?? ''
  const child = spawn('sh', ['-c', `ulimit -n 20000 2>/dev/null; exec node ${nodeOptions} .output/server/index.mjs`], {
    cwd: ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout.on('data', (data) => {
    log += data
    if (!quiet) process.stdout.write(data)
  })
  child.stderr.on('data', (data) => {
    log += data
    process.stderr.write(data)
  })
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${log}`)
    try {
      if ((await fetch(`${base}/api/products`)).ok) break
    }
    catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not answer within 30 s:\n${log}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return {
    base, port, pid: child.pid, env: fullEnv, dataDir,
    /** CPU seconds (user + system) the server has used so far. */
    cpuSeconds: () => processCpuSeconds(child.pid),
    rssBytes: () => processRssBytes(child.pid),
    async stop() {
      child.kill('SIGTERM')
      // A server that does not end on SIGTERM is a finding, not a reason for the run to wait for
      // ever (seen once: a relay-mode server still up ten minutes after it, at 1 % CPU).
      const late = setTimeout(() => {
        const stacks = nativeStacks(child.pid)
        console.error(`[bench] the server did not exit within ${STOP_WAIT_MS / 1000} s of SIGTERM, so it is killed; its last lines:\n${log.slice(-2000)}${stacks ? `\nits threads' native stacks (eu-stack):\n${stacks}` : ''}`)
        child.kill('SIGKILL')
      }, STOP_WAIT_MS)
      await new Promise(resolve => child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', resolve))
      clearTimeout(late)
      if (ownData) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export function processCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat; the slice starts at field 3.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

export function processRssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(status.match(/VmRSS:\s+(\d+) kB/)[1]) * 1024
}

/** Samples a process's RSS every `everyMs` until stopped; answers the peak. */
export function watchRss(pid, everyMs = 50) {
  let peak = processRssBytes(pid)
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, processRssBytes(pid))
    }
    catch {
      // the process has ended
    }
  }, everyMs)
  return { stop: () => (clearInterval(timer), peak), peak: () => peak }
}

/** Signs in as the admin of a bench server. */
export async function adminToken(base) {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@bench.local', password: 'bench-admin-password' }),
  })
  return (await response.json()).token
}

/** A live show to benchmark against. */
export async function liveShow(base, token, title = 'Bench show') {
  const headers = { 'content-type': 'application/json', 'authorization': `Bearer ${token}` }
  const created = await (await fetch(`${base}/api/livestreams`, { method: 'POST', headers, body: JSON.stringify({ title, quality: '720p' }) })).json()
  await fetch(`${base}/api/livestreams/${created.livestream.id}/start`, { method: 'POST', headers })
  return created.livestream.id
}

/**
 * `count` customer tokens, signed with the bench server's own secret as the server itself would
 * sign them: a load generator stands for thousands of users without signing each one up (sign-ups
 * are rate-limited per address, and all of this traffic comes from one).
 */
/**
 * Tokens of `count` real guest customers (sessions are checked on every use, so a token must
 * belong to one), signed in a few at a time through POST /api/auth/guest.
 */
export async function customerTokens(base, count, prefix = 'Bench customer') {
  const tokens = []
  for (let from = 0; from < count; from += 50) {
    const batch = Array.from({ length: Math.min(50, count - from) }, async (_, offset) => {
      const response = await fetch(`${base}/api/auth/guest`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: `${prefix} ${from + offset}`.slice(0, 40) }),
      })
      if (response.status !== 201) throw new Error(`guest sign-in failed: ${response.status} ${await response.text()}`)
      return (await response.json()).token
    })
    tokens.push(...await Promise.all(batch))
  }
  return tokens
}
