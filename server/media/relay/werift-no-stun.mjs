// werift 0.24 asks Google's STUN server (stun.l.google.com) on every connection, even with
// `iceServers: []` (its ICE falls back to that address when none is given), and waits up to 5 s
// for it before gathering ends. For a server reached at its own address (or at publicIp behind a
// 1:1 NAT) a server-reflexive candidate adds nothing, and the query leaves every self-hosted box
// for a third party. Where DNS is slow or drops a burst (seen: a sandbox's resolver), answers
// waited those 5 s: in benchmark 7, 2 of every 10 viewers joining at once, against 30 ms without.
// Plain JavaScript so that the benchmark's werift peers (bench/lib) use the same function.

/**
 * Stops `pc`'s ICE transports asking a STUN server. Call it once its transports exist (after
 * setRemoteDescription for an answerer, addTransceiver for an offerer) and before
 * setLocalDescription gathers.
 * @param {import('werift').RTCPeerConnection} pc
 */
export function withoutStunQuery(pc) {
  for (const transport of pc.iceTransports) transport.connection.stunServer = undefined
}
