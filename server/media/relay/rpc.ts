// The few messages between the main thread and the relay's worker: a call and its answer, or an
// event the worker tells. Errors keep their code so the main thread can map them.

export interface RpcCall { id: number, method: string, args: unknown[] }
export type RpcAnswer = { id: number, ok: true, value: unknown } | { id: number, ok: false, error: { code?: string, message: string } }
export interface RpcEvent { event: unknown }
export type WorkerMessage = RpcAnswer | RpcEvent

export const isEvent = (message: WorkerMessage): message is RpcEvent => 'event' in message
