import type { RtpPacket } from 'werift'
import type { Show } from '../common/show'
import type { RelayNetwork } from './peer-config'

/** What a relay viewer's WebRTC stack tells its session. */
export interface ViewerLinkEvents {
  /** Its connection's state: new, connecting, connected, disconnected, failed, closed. */
  state(state: string): void
  /** The viewer lost a picture (PLI or FIR): it needs a key frame. */
  pictureLoss(): void
}

/**
 * One viewer's connection as its session (viewer.ts) uses it, whatever carries it: the WebRTC
 * stack answers the offer, sends the packets it is given (the session chose and renumbered them)
 * and reports what the viewer's receiver says. Two stacks: werift (JavaScript) and libdatachannel
 * (native, through node-datachannel); viewer-stack.ts picks one.
 */
export interface ViewerLink {
  readonly state: string
  /** Takes the viewer's offer; answers the SDP answer and which of the show's media it carries. */
  answer(offer: string): Promise<{ sdp: string, video: boolean, audio: boolean }>
  /** Trickle ICE or an ICE restart (PATCH); the server's fragment for a restart. */
  patch(text: string): Promise<string | undefined>
  send(kind: 'video' | 'audio', packet: RtpPacket): void
  /** What the viewer's receiver said last: its estimate (REMB, bits/s; 0 unknown) and the fraction of video it lost. */
  feedback(): { estimate: number, fractionLost: number }
  close(): void
}

export type ViewerLinkFactory = (codecs: Show['codecs'], network: RelayNetwork, events: ViewerLinkEvents) => ViewerLink

export const NOTHING_TO_RECEIVE = 'the offer receives neither the show\'s audio nor its video'
