// The relay's worker thread: media (ICE, DTLS, SRTP, forwarding, recording) runs here, so none of
// it can hold up the event loop that serves HTTP and the socket. It answers the main thread's calls.
import { parentPort, workerData } from 'node:worker_threads'
import { Relay, type RelayOptions } from './relay'
import type { RpcAnswer, RpcCall } from './rpc'

const port = parentPort!
const relay = new Relay({ ...(workerData as Omit<RelayOptions, 'onEvent'>), onEvent: event => port.postMessage({ event }) })
const methods = relay as unknown as Record<string, (...args: unknown[]) => unknown>

port.on('message', async ({ id, method, args }: RpcCall) => {
  let answer: RpcAnswer
  try {
    if (typeof methods[method] !== 'function') throw new Error(`no method ${method}`)
    answer = { id, ok: true, value: await methods[method]!.apply(relay, args) }
  }
  catch (error) {
    answer = { id, ok: false, error: { code: (error as { code?: string }).code, message: (error as Error).message } }
  }
  port.postMessage(answer)
})
