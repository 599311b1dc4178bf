import type { PeerLink } from './peer-link'

/** A refusal of a WHIP or WHEP endpoint, with what it says to do. */
export class SignalingError extends Error {
  constructor(readonly status: number, message: string, readonly retryAfterSeconds?: number) {
    super(message)
  }
}

/**
 * How long an offer waits for its candidates before it is sent (the rest trickle after it, with
 * PATCH). A publisher's waits for its host candidates. A viewer's leaves at once: the server's
 * answer carries the server's candidates, so the browser starts its checks on them without
 * waiting for its own (the server learns the browser's address from those checks, and the
 * trickled candidates follow), and the first frame gains the gathering time.
 */
const GATHER_WAIT_MS = { whip: 500, whep: 0 }

/** Waits for ICE gathering to complete, or `ms`, whichever comes first. */
function gathered(connection: RTCPeerConnection, ms: number): Promise<void> {
  if (connection.iceGatheringState === 'complete') return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    connection.addEventListener('icegatheringstatechange', () => {
      if (connection.iceGatheringState !== 'complete') return
      clearTimeout(timer)
      resolve()
    })
  })
}

/** A candidate as one line of an SDP fragment (RFC 8840), for a PATCH. */
function fragmentOf(candidates: RTCIceCandidateInit[], ended: boolean, mid: string): string {
  const lines = ['m=audio 9 UDP/TLS/RTP/SAVPF 0', `a=mid:${mid}`, ...candidates.map(candidate => `a=${candidate.candidate}`)]
  if (ended) lines.push('a=end-of-candidates')
  return `${lines.join('\r\n')}\r\n`
}

/**
 * One WHIP or WHEP session (RFC 9725) for a PeerLink: the offer is POSTed once its host
 * candidates are in it, the answer applied, later candidates sent with PATCH to the session's
 * Location, and the session DELETEd when it ends. Cookies go along (the studio is signed in).
 */
export class HttpSignaling {
  private location?: string
  private queued: RTCIceCandidateInit[] = []
  private ended = false
  private closed = false

  constructor(private readonly url: string, private readonly link: PeerLink) {}

  /** Offers, and applies the answer; refusals throw a SignalingError with the endpoint's status. */
  async start(): Promise<void> {
    const offer = await this.link.createOffer()
    const kind = /\/whep$/.test(this.url) ? 'whep' : 'whip'
    if (GATHER_WAIT_MS[kind]) await gathered(this.link.connection, GATHER_WAIT_MS[kind])
    const sdp = this.link.connection.localDescription?.sdp ?? offer.sdp ?? ''
    // For the first-frame profile (bench/viewer-join.mjs and the e2e tests): when the offer left.
    performance.mark(`wrencos:${kind}-post`)
    const response = await fetch(this.url, { method: 'POST', body: sdp, headers: { 'content-type': 'application/sdp' }, credentials: 'same-origin' })
    if (response.status !== 201) {
      const retry = Number(response.headers.get('retry-after'))
      const body = await response.json().catch(() => null) as { message?: string } | null
      throw new SignalingError(response.status, body?.message ?? `HTTP ${response.status}`, Number.isFinite(retry) && retry > 0 ? retry : undefined)
    }
    const location = response.headers.get('location')
    // The endpoint may be given as a path (the page's own server): resolve both against the page.
    this.location = location ? new URL(location, new URL(this.url, window.location.href)).toString() : undefined
    await this.link.acceptAnswer({ type: 'answer', sdp: await response.text() })
    // Whatever was gathered after the offer left is sent now, then as it comes.
    const local = this.link.connection.localDescription?.sdp ?? ''
    this.queued = this.queued.filter(candidate => !local.includes(candidate.candidate ?? '\0'))
    void this.flush()
  }

  /**
   * Takes over a session opened before this object (the page's early WHEP, utils/early-whep.ts):
   * its POST's outcome, refusals thrown as start() throws them; the candidates gathered so far
   * were not in its offer, so they are sent now, the rest as they come.
   */
  async adopt(outcome: { status: number, location?: string, retryAfter?: number, message?: string }): Promise<void> {
    if (outcome.status !== 201) throw new SignalingError(outcome.status, outcome.message ?? `HTTP ${outcome.status}`, outcome.retryAfter)
    this.location = outcome.location ? new URL(outcome.location, new URL(this.url, window.location.href)).toString() : undefined
    const gathered = (this.link.connection.localDescription?.sdp ?? '').split(/\r?\n/).filter(line => line.startsWith('a=candidate:'))
    this.queued.unshift(...gathered.map(line => ({ candidate: line.slice(2), sdpMid: '0', sdpMLineIndex: 0 })))
    if (this.link.connection.iceGatheringState === 'complete') this.ended = true
    await this.flush()
  }

  /** A local candidate from the PeerLink (null: gathering ended). */
  trickle(candidate: RTCIceCandidateInit | null) {
    if (candidate?.candidate) this.queued.push(candidate)
    else this.ended = true
    void this.flush()
  }

  private async flush() {
    if (!this.location || this.closed || (!this.queued.length && !this.ended)) return
    const candidates = this.queued.splice(0)
    const ended = this.ended
    this.ended = false
    const mid = candidates[0]?.sdpMid ?? '0'
    await fetch(this.location, {
      method: 'PATCH', body: fragmentOf(candidates, ended, mid), headers: { 'content-type': 'application/trickle-ice-sdpfrag' }, credentials: 'same-origin',
    }).catch(() => {})
  }

  /**
   * Whether the server still has this session: an end-of-candidates PATCH (harmless to repeat)
   * answered 404 means it went (its media server died). Unknown (no session yet, the network
   * down) counts as still there.
   */
  async stillThere(): Promise<boolean> {
    if (!this.location || this.closed) return true
    const response = await fetch(this.location, {
      method: 'PATCH', body: fragmentOf([], true, '0'), headers: { 'content-type': 'application/trickle-ice-sdpfrag' }, credentials: 'same-origin',
    }).catch(() => null)
    return response?.status !== 404
  }

  /** The server ended the session itself: closing then sends nothing. */
  forget() {
    this.location = undefined
  }

  /** Ends the session on the server (best effort: a connection that is gone ends there by itself). */
  close() {
    if (this.closed) return
    this.closed = true
    if (this.location) void fetch(this.location, { method: 'DELETE', credentials: 'same-origin', keepalive: true }).catch(() => {})
  }
}
