/**
 * How long a connection's checks may go unanswered before the page takes it that WebRTC cannot
 * reach the server from here. The relay and Janus answer every check they get, in milliseconds on
 * a loaded machine too; Chromium sends about 16 checks in this time (tests/e2e/ice-reachability),
 * so none answered means nothing gets through (UDP blocked on the way), not a slow server.
 */
export const UNANSWERED_CHECKS_MS = 1000

/**
 * Settles once `connection` shows that it cannot come up from this network: ICE gathered no
 * candidate of its own (no interface it may use, or a policy that allows none); or, its gathering
 * done, no check was answered in the `unansweredMs` since its newest candidate pair appeared (a
 * TURN server's candidate comes late, and gets a second of its own); or it failed. Without this,
 * such a page only learns it from the time WebRTC has taken (HLS_AFTER_MS), or from ICE giving
 * up, tens of seconds later. Stops looking once a check is answered, or the connection is up or
 * closed: a connection that is merely slow never settles it.
 *
 * Serialized into the early WHEP script (utils/early-whep.ts), so plain browser APIs only.
 */
export function whenUnreachable(connection: RTCPeerConnection, unansweredMs: number): Promise<void> {
  // Inside the function, which the early script carries without this module around it.
  const lookEveryMs = 250
  return new Promise((resolve) => {
    let firstAskedAt = 0
    let pairsSeen = 0
    const look = async () => {
      const state = connection.connectionState
      if (state === 'connected' || state === 'closed') return
      if (state === 'failed') return resolve()
      let own = 0
      let pairs = 0
      let asked = 0
      let answered = 0
      if (connection.remoteDescription) {
        const stats = await connection.getStats().catch(() => null)
        stats?.forEach((report: { type: string, requestsSent?: number, responsesReceived?: number }) => {
          if (report.type === 'local-candidate') own++
          if (report.type !== 'candidate-pair') return
          pairs++
          asked += report.requestsSent ?? 0
          answered += report.responsesReceived ?? 0
        })
        if (answered) return
        if (pairs !== pairsSeen) {
          pairsSeen = pairs
          firstAskedAt = 0
        }
        if (asked) firstAskedAt ||= performance.now()
        const gatheredAll = connection.iceGatheringState === 'complete'
        const nothingToSendFrom = stats && !own && gatheredAll
        if (nothingToSendFrom || (gatheredAll && firstAskedAt && performance.now() - firstAskedAt >= unansweredMs)) return resolve()
      }
      setTimeout(look, lookEveryMs)
    }
    // Not at once: a connection that comes up (most do, within this time) is never asked for its
    // stats, which would take turns of the main thread its first frame needs.
    setTimeout(look, lookEveryMs)
  })
}
