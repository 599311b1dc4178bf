// The relay's worker thread: media (ICE, DTLS, SRTP, forwarding, recording) runs here, so none of
// it can hold up the event loop that serves HTTP and the socket. It answers the main thread's calls.
import { parentPort, workerData } from 'node:worker_threads'
import { Relay, type RelayOptions } from './relay'
import { isRelayMethod, toThreadError, type RpcAnswer, type RpcCall } from './rpc'

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
