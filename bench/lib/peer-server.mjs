// A peer server for a benchmark to measure ours against in the same run: a script of bench/peers/
// started as its own process, with the same interface as ./server.mjs's startServer.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ROOT, freePort, processCpuSeconds, processRssBytes } from './server.mjs'

/** `dialect`: how the benchmark's clients speak to it (./sockets.mjs's DIALECTS). */
export async function startPeer(name, { dialect = 'wrencos' } = {}) {
  const port = await freePort()
  const child = spawn('sh', ['-c', `ulimit -n 20000 2>/dev/null; exec node ${join(ROOT, 'bench/peers', `${name}.mjs`)}`], {
    env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'],
  })
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 15_000
  for (;;) {
    try {
      if ((await fetch(`${base}/api/products`)).ok) break
    }
    catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`peer ${name} did not start`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return {
    base, port, pid: child.pid, dialect,
    cpuSeconds: () => processCpuSeconds(child.pid),
    rssBytes: () => processRssBytes(child.pid),
    async stop() {
      child.kill('SIGTERM')
      await new Promise(resolve => child.exitCode !== null ? resolve() : child.once('exit', resolve))
    },
  }
}
