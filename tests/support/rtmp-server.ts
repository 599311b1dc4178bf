// A real RTMP server for the restream tests: Debian's nginx with libnginx-mod-rtmp, one process
// on a port of its own, in the foreground, so a test can kill it and start it again on that port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so'
/** CI installs it (.ci/run): there a missing module fails the test instead of skipping it. */
export const haveRtmpServer = !!process.env.CI || (existsSync(MODULE) && spawnSync('nginx', ['-v']).status === 0)

export interface RtmpServer {
  port: number
  url: string
  stop(): Promise<void>
  start(): Promise<void>
}

const listening = (port: number) => new Promise<boolean>((resolve) => {
  const socket = createConnection({ host: '127.0.0.1', port }, () => {
    socket.destroy()
    resolve(true)
  })
  socket.on('error', () => resolve(false))
})

export async function startRtmpServer(port: number): Promise<RtmpServer> {
  const dir = mkdtempSync(join(tmpdir(), 'rtmp-'))
  writeFileSync(join(dir, 'nginx.conf'), `load_module ${MODULE};
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
rtmp { server { listen 127.0.0.1:${port}; chunk_size 4096; application live { live on; record off; } } }
`)
  let child: ChildProcess | undefined
  const server: RtmpServer = {
    port,
    url: `rtmp://127.0.0.1:${port}/live`,
    async start() {
      child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] })
      for (let i = 0; i < 100 && !await listening(port); i++) await new Promise(resolve => setTimeout(resolve, 50))
    },
    async stop() {
      if (!child || child.exitCode !== null) return
      const exited = new Promise(resolve => child!.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
    },
  }
  await server.start()
  return server
}

/** The codecs ffprobe reads from a live RTMP stream, or what went wrong. */
export function probeRtmp(url: string): Promise<{ codecs: string[], error?: string }> {
  return new Promise((resolve) => {
    const ffprobe = spawn('ffprobe', ['-v', 'error', '-rw_timeout', '8000000', '-show_entries', 'stream=codec_name', '-of', 'json', url], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    ffprobe.stdout.on('data', (data: Buffer) => (out += data))
    ffprobe.stderr.on('data', (data: Buffer) => (err += data))
    const timer = setTimeout(() => ffprobe.kill('SIGKILL'), 15_000)
    ffprobe.on('exit', () => {
      clearTimeout(timer)
      try {
        resolve({ codecs: (JSON.parse(out).streams as Array<{ codec_name: string }>).map(stream => stream.codec_name).sort() })
      }
      catch {
        resolve({ codecs: [], error: err.trim() || 'nothing read' })
      }
    })
  })
}
