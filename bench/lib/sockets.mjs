// Many WebSocket clients from one process (the `ws` package: Node 20 has no global WebSocket).
import WebSocket from 'ws'

/** Resolves with the next frame `ws` receives. */
const nextFrame = ws => new Promise(resolve => ws.once('message', data => resolve(data.toString())))

/**
 * How a client speaks to a server: ours (PROTOCOL.md's JSON frames on /_ws), or the same messages
 * inside Socket.IO's packets, for the peer of benchmark 1 that most Node teams would build.
 */
export const DIALECTS = {
  'wrencos': {
    url: (base, token) => `${base.replace(/^http/, 'ws')}/_ws${token ? `?token=${token}` : ''}`,
    handshake: async () => {},
    encode: message => JSON.stringify(message),
  },
  'socket.io': {
    url: base => `${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`,
    // Engine.IO's open packet (0), then a connect to the default namespace (40), answered in kind;
    // from then on the server's pings (2) want pongs (3), or it drops the socket.
    async handshake(ws, firstFrame) {
      const open = await firstFrame
      if (!open.startsWith('0')) throw new Error(`socket.io: expected an open packet, got ${open}`)
      const connected = nextFrame(ws)
      ws.send('40')
      if (!(await connected).startsWith('40')) throw new Error('socket.io: the namespace did not connect')
      ws.on('message', data => data.length === 1 && data[0] === 0x32 && ws.send('3'))
    },
    encode: message => `42${JSON.stringify([message.type, message])}`,
  },
}

/** Sends one PROTOCOL.md message in the socket's dialect. */
export function send(ws, message) {
  ws.send((ws.dialect ?? DIALECTS.wrencos).encode(message))
}

/**
 * Opens `count` sockets, `parallel` at a time; `onOpen(ws, index)` runs on each as it opens.
 * `baseFor(index)` spreads them over several servers.
 */
export async function openSockets(base, count, { parallel = 200, token, onOpen, baseFor = () => base, dialect = 'wrencos' } = {}) {
  const speech = DIALECTS[dialect]
  const sockets = new Array(count)
  let next = 0
  async function worker() {
    while (next < count) {
      const index = next++
      const ws = new WebSocket(speech.url(baseFor(index), token), { perMessageDeflate: false, skipUTF8Validation: true })
      ws.dialect = speech
      // Listening from the start: a server may speak first (Socket.IO's open packet).
      const firstFrame = nextFrame(ws)
      await new Promise((resolve, reject) => {
        ws.once('open', resolve)
        ws.once('error', reject)
      })
      await speech.handshake(ws, firstFrame)
      sockets[index] = ws
      await onOpen?.(ws, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker))
  return sockets
}

/**
 * Resolves when `ws` receives a frame whose text contains `marker`; rejects after `timeoutMs`, or
 * at once on an `error` frame, naming what came instead.
 */
export function waitFor(ws, marker, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer)
      ws.off('message', listener)
    }
    const timer = setTimeout(() => {
      done()
      reject(new Error(`no frame with ${marker} within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = (data) => {
      const text = data.toString()
      if (text.includes(marker)) {
        done()
        resolve(text)
      }
      else if (text.startsWith('{"type":"error"')) {
        done()
        reject(new Error(`waiting for ${marker}, got ${text}`))
      }
    }
    ws.on('message', listener)
  })
}

/** Registers a socket as a viewer of `livestreamId` and waits for the answer. */
export async function register(ws, livestreamId, sessionId) {
  const registered = waitFor(ws, '"type":"chat_history"')
  send(ws, { type: 'register', livestreamId, sessionId })
  await registered
}

export function closeAll(sockets) {
  for (const ws of sockets) ws?.terminate()
}
