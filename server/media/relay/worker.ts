// The relay's worker thread: media (ICE, DTLS, SRTP, forwarding, recording) runs here, so none of
// it can hold up the event loop that serves HTTP and the socket. It answers the main thread's calls.
import { parentPort, workerData } from 'node:worker_threads'
import { Relay, type RelayOptions } from './relay'
import { isRelayMethod, toThreadError, type RpcAnswer, type RpcCall } from './rpc'
import { closeViewerStacks } from './viewer-stack'

const port = parentPort!
const relay = new Relay({ ...(workerData as Omit<RelayOptions, 'onEvent'>), onEvent: event => port.postMessage({ event }) })

port.on('message', async ({ id, method, args }: RpcCall) => {
  let answer: RpcAnswer
  try {
    if (!isRelayMethod(method)) throw new Error(`no method ${String(method)}`)
    answer = { id, ok: true, value: await (relay[method] as (...args: unknown[]) => unknown).apply(relay, args) }
  }
  catch (error) {
    answer = { id, ok: false, error: toThreadError(error) }
  }
  port.postMessage(answer)
})

// An error nothing caught ends this thread (relay-backend.ts starts another). The native WebRTC
// stack is stopped first, while JavaScript still runs: torn down with the thread, its callbacks
// deadlock it on Node 24 (viewer-stack.ts).
process.on('uncaughtException', (error) => {
  console.error('[relay] the worker failed', error)
  closeViewerStacks()
  process.exit(1)
})
