// The few messages between the main thread and the relay's worker: a call and its answer, or an
// event the worker tells. Calls are typed by the Relay's own methods, so a method renamed or
// given other arguments breaks the build, not a show. Errors keep their code so the main thread can map them.
import { MediaError } from '../backend'
import type { Relay } from './relay'

/** What the main thread may ask of the relay. */
export const RELAY_METHODS = ['publish', 'play', 'patch', 'end', 'setLive', 'stopShow', 'forwardRtp', 'stats', 'close'] as const
export type RelayMethod = typeof RELAY_METHODS[number]
export type RelayApi = Pick<Relay, RelayMethod>
/** What a call to `method` resolves to in the main thread. */
export type RelayResult<M extends RelayMethod> = Awaited<ReturnType<RelayApi[M]>>

export interface RpcCall<M extends RelayMethod = RelayMethod> { id: number, method: M, args: Parameters<RelayApi[M]> }
export type RpcAnswer = { id: number, ok: true, value: unknown } | { id: number, ok: false, error: ThreadError }
export interface RpcEvent { event: unknown }
export type WorkerMessage = RpcAnswer | RpcEvent

export const isEvent = (message: WorkerMessage): message is RpcEvent => 'event' in message
export const isRelayMethod = (method: unknown): method is RelayMethod => (RELAY_METHODS as readonly unknown[]).includes(method)

/** An error as it crosses between threads: a plain object, its code kept. */
export interface ThreadError { code?: string, message: string }

export function toThreadError(error: unknown): ThreadError {
  return { code: (error as { code?: string }).code, message: error instanceof Error ? error.message : String(error) }
}

/** The error again on the other side: a refusal the core understands (MediaError) where its code is one, else a plain Error. */
export function fromThreadError({ code, message }: ThreadError): Error {
  const known = MediaError.CODES.find(known => known === code)
  return known ? new MediaError(known, message) : new Error(message)
}
