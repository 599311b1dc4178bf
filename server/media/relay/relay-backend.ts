import { MessageChannel, Worker } from 'node:worker_threads'
import { MediaError, type MediaBackend, type MediaEvent, type SessionKind, type ShowStatus } from '../backend'
import type { RelayOptions } from './relay'
import { fromThreadError, isEvent, type RelayApi, type RelayMethod, type RelayResult, type RpcAnswer, type RpcCall, type WorkerMessage } from './rpc'

/** How long a call to the worker may take before it is given up (an SDP negotiation is milliseconds). */
const CALL_TIMEOUT_MS = 15_000
/** How often the relay's view of every show (layers, the measured capacity) is asked for, for status(). */
const STATUS_EVERY_MS = 1000

/** The relay's two threads: the relay with the viewers (worker.ts), and the hosts' uploads (ingest-worker.ts). */
export interface RelayThreads { relay: URL, ingest: URL }

/**
 * relay mode: the relay in a worker thread of this process (server/media/relay/worker.ts), called
 * through messages, and the publishers' sessions in a thread of their own that feeds it
 * (ingest-worker.ts; the two talk over a MessageChannel). A thread that dies is started again
 * with the other: sessions are lost (publishers and viewers reconnect by themselves) and every
 * show is said to have stopped publishing.
 */
export function relayBackend(threads: RelayThreads, options: Omit<RelayOptions, 'onEvent' | 'ingest' | 'probes'>): MediaBackend {
  const listeners: Array<(event: MediaEvent) => void> = []
  const waiting = new Map<number, { resolve: (value: unknown) => void, reject: (error: unknown) => void, timer: ReturnType<typeof setTimeout> }>()
  const publishing = new Set<string>()
  /** The sessions the worker holds (by id, with their show and kind): a worker that dies ends them all. */
  const sessions = new Map<string, { livestreamId: string, kind: SessionKind }>()
  let nextId = 1
  let closing = false
  let worker: Worker
  let ingest: Worker
  /** Every show as the relay last described it (STATUS_EVERY_MS ago at most). */
  let described: Record<string, ShowStatus> = {}

  function emit(event: MediaEvent) {
    if (event.type === 'session_ended') sessions.delete(event.sessionId)
    else if (event.publishing) publishing.add(event.livestreamId)
    else publishing.delete(event.livestreamId)
    for (const listener of listeners) listener(event)
  }

  /** A session the worker opened, known here until it ends. */
  const opened = (livestreamId: string, kind: SessionKind) => (session: { sessionId: string, sdp: string }) => {
    sessions.set(session.sessionId, { livestreamId, kind })
    return session
  }

  function start() {
    const channel = new MessageChannel()
    const ingestThread = new Worker(threads.ingest, { workerData: { port: channel.port2, network: options.network }, transferList: [channel.port2] })
    const relayThread = new Worker(threads.relay, { workerData: { ...options, ingest: channel.port1 }, transferList: [channel.port1] })
    ingest = ingestThread
    worker = relayThread
    ingestThread.unref()
    ingestThread.on('error', error => console.error('[relay] the ingest thread failed', error))
    // One without the other is no relay: the relay thread goes too, and both start again (below).
    // It closes its sessions first: its native WebRTC stack must stop while its JavaScript runs.
    ingestThread.on('exit', () => void call('close').catch(() => {}).finally(() => relayThread.terminate()))
    relayThread.unref()
    worker.on('message', (message: WorkerMessage) => {
      if (isEvent(message)) return emit(message.event as MediaEvent)
      const call = waiting.get((message as RpcAnswer).id)
      if (!call) return
      waiting.delete(message.id)
      clearTimeout(call.timer)
      if (message.ok) call.resolve(message.value)
      else call.reject(fromThreadError(message.error))
    })
    worker.on('error', error => console.error('[relay] the worker failed', error))
    worker.on('exit', (code) => {
      void ingestThread.terminate()
      for (const call of waiting.values()) {
        clearTimeout(call.timer)
        call.reject(new MediaError('unavailable', 'the media relay restarted; try again'))
      }
      waiting.clear()
      for (const livestreamId of [...publishing]) emit({ type: 'media_state', livestreamId, publishing: false })
      for (const [sessionId, { livestreamId, kind }] of [...sessions]) emit({ type: 'session_ended', livestreamId, kind, sessionId })
      if (!closing) {
        console.error(`[relay] the worker exited (${code}); starting it again`)
        start()
      }
    })
  }

  function call<M extends RelayMethod>(method: M, ...args: Parameters<RelayApi[M]>): Promise<RelayResult<M>> {
    const id = nextId++
    return new Promise<RelayResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id)
        reject(new MediaError('unavailable', 'the media relay did not answer in time'))
      }, CALL_TIMEOUT_MS)
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject, timer })
      worker.postMessage({ id, method, args } satisfies RpcCall<M>)
    })
  }

  /**
   * A show's status without waiting on the relay's thread: whether it publishes and its viewers as
   * this thread knows them now (from the relay's events and the sessions it opened), the rest as the
   * relay last said. A socket's registration asks it: on a relay thread kept busy by its viewers
   * the question waited behind them, and the chat with it (benchmark 7: p99 14 s).
   */
  function status(livestreamId: string): ShowStatus {
    let viewers = 0
    for (const session of sessions.values()) if (session.livestreamId === livestreamId && session.kind === 'viewer') viewers++
    const last = described[livestreamId]
    return { publishing: publishing.has(livestreamId), viewers, layers: last?.layers ?? [], ...(last?.max !== undefined ? { max: last.max } : {}) }
  }

  start()
  const describing = setInterval(() => void call('stats').then((all) => {
    described = all
  }).catch(() => {}), STATUS_EVERY_MS)
  describing.unref()
  return {
    mode: 'relay',
    maxViewers: options.maxViewers,
    publish: (livestreamId, sdp) => call('publish', livestreamId, sdp).then(opened(livestreamId, 'publisher')),
    play: (livestreamId, sdp) => call('play', livestreamId, sdp).then(opened(livestreamId, 'viewer')),
    patch: (livestreamId, kind, sessionId, fragment) => call('patch', livestreamId, kind, sessionId, fragment),
    end: (livestreamId, kind, sessionId) => call('end', livestreamId, kind, sessionId),
    setLive: (livestreamId, recording) => call('setLive', livestreamId, recording),
    stopShow: livestreamId => call('stopShow', livestreamId),
    forwardRtp: (livestreamId, target) => call('forwardRtp', livestreamId, target),
    status: async livestreamId => status(livestreamId),
    stats: () => call('stats'),
    // One relay, in this process: no edges.
    edges: async () => [],
    onEvent: listener => void listeners.push(listener),
    ping: () => call('stats').then(() => {}),
    async close() {
      closing = true
      clearInterval(describing)
      await call('close').catch(() => {})
      await Promise.all([worker.terminate(), ingest.terminate()])
    },
  }
}
