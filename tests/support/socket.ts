// A WebSocket test client (the `ws` package: Node 20 has no global WebSocket) that keeps every
// frame it receives and waits for the one a test expects.
import WebSocket from 'ws'
import { inject } from 'vitest'

export type Frame = { type: string, [key: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

export class TestSocket {
  readonly frames: Frame[] = []
  private waiters: { match: (frame: Frame) => boolean, resolve: (frame: Frame) => void }[] = []
  closed?: { code: number, reason: string }
  private closeWaiters: ((closed: { code: number, reason: string }) => void)[] = []

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame
      this.frames.push(frame)
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(frame)) return true
        waiter.resolve(frame)
        return false
      })
    })
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() }
      for (const resolve of this.closeWaiters) resolve(this.closed)
    })
  }

  /** Opens a socket to `/_ws` of `base` (the shared test server by default), with `?token=` (or `?ticket=`) and `query` if given. */
  static open(options: { token?: string, ticket?: string, base?: string, headers?: Record<string, string>, query?: Record<string, string> } = {}): Promise<TestSocket> {
    const url = new URL('/_ws', (options.base ?? inject('baseURL')).replace(/^http/, 'ws'))
    if (options.token) url.searchParams.set('token', options.token)
    if (options.ticket) url.searchParams.set('ticket', options.ticket)
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value)
    const ws = new WebSocket(url, { headers: options.headers })
    const socket = new TestSocket(ws)
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket))
      ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)))
      ws.once('error', reject)
    })
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** The next frame of `type` (and matching `where`), including one already received and not yet taken. */
  next(type: string, where: (frame: Frame) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
    const match = (frame: Frame) => frame.type === type && where(frame)
    const index = this.frames.findIndex(match)
    if (index >= 0) return Promise.resolve(this.frames.splice(index, 1)[0]!)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map(f => f.type))}`)), timeoutMs)
      this.waiters.push({ match, resolve: (frame) => {
        clearTimeout(timer)
        this.frames.splice(this.frames.indexOf(frame), 1)
        resolve(frame)
      } })
    })
  }

  /** Sends `frame` and answers the `error` frame the server refuses it with. */
  async refused(frame: unknown): Promise<Frame> {
    this.send(frame)
    return this.next('error')
  }

  /** Resolves with no frame of `type` having arrived for `ms`; fails if one does. */
  async nothing(type: string, ms = 300): Promise<void> {
    await new Promise(r => setTimeout(r, ms))
    const found = this.frames.find(frame => frame.type === type)
    if (found) throw new Error(`unexpected ${type}: ${JSON.stringify(found)}`)
  }

  waitClose(timeoutMs = 5000): Promise<{ code: number, reason: string }> {
    if (this.closed) return Promise.resolve(this.closed)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs)
      this.closeWaiters.push((closed) => {
        clearTimeout(timer)
        resolve(closed)
      })
    })
  }

  close() {
    this.ws.close()
  }
}
