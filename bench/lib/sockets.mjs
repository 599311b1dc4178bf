// Many WebSocket clients from one process (the `ws` package: Node 20 has no global WebSocket).
import WebSocket from 'ws'

/**
 * Opens `count` sockets, `parallel` at a time; `onOpen(ws, index)` runs on each as it opens.
 * `baseFor(index)` spreads them over several servers.
 */
export async function openSockets(base, count, { parallel = 200, token, onOpen, baseFor = () => base } = {}) {
  const urlFor = index => `${baseFor(index).replace(/^http/, 'ws')}/_ws${token ? `?token=${token}` : ''}`
  const sockets = new Array(count)
  let next = 0
  async function worker() {
    while (next < count) {
      const index = next++
      const ws = new WebSocket(urlFor(index), { perMessageDeflate: false, skipUTF8Validation: true })
      await new Promise((resolve, reject) => {
        ws.once('open', resolve)
        ws.once('error', reject)
      })
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
  ws.send(JSON.stringify({ type: 'register', livestreamId, sessionId }))
  await registered
}

export function closeAll(sockets) {
  for (const ws of sockets) ws?.terminate()
}
