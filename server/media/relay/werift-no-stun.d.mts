import type { RTCPeerConnection } from 'werift'

export function withoutStunQuery(pc: RTCPeerConnection): void
