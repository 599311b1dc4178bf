// The messages between the relay's thread and the ingest thread, where the hosts' uploads live
// (ingest-worker.ts): calls on a publisher's session and their answers one way; its packets,
// its state and its end the other.
import type { CodecChoice } from '../common/codec'
import type { ThreadError } from './rpc'

export type IngestCall
  = | { type: 'answer', id: string, call: number, sdp: string }
    | { type: 'patch', id: string, call: number, text: string }
    | { type: 'close', id: string }
    | { type: 'keyframe', id: string, ssrc: number }

export type IngestNews
  = | { type: 'reply', call: number, ok: true, value: unknown }
    | { type: 'reply', call: number, ok: false, error: ThreadError }
    /** The session's new run of packets: its numbering starts anew (Show.newPublisher). */
    | { type: 'new', id: string }
    /** `sentAt`: when this thread sent it on (ms), for how far behind the relay's thread is. */
    | { type: 'rtp', id: string, source: string, data: Uint8Array, startable: boolean, sentAt: number, width?: number, height?: number }
    | { type: 'codecs', id: string, codecs: { video?: CodecChoice, audio?: CodecChoice } }
    | { type: 'state', id: string, state: string }
    | { type: 'gone', id: string }
