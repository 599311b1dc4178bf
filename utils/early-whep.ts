// The first frame must not wait for the page's JavaScript (PROTOCOL.md, "First frame"). For a show
// the server renders as live in relay or janus mode, the page's HTML carries a small inline
// script (earlyWhepScript) that opens the WHEP session while the app's bundle is still on its way:
// its offer leaves at once, the answer is applied, and the picture goes to the server-rendered
// <video data-early-video>. When the room mounts, the WHEP viewer (composables/video) adopts that session
// (takeEarlyWhep) instead of opening another.

import { EARLY_WHEP_KEY } from '#shared/utils/early-entry'
import { scriptSafeJson } from '#shared/utils/script-json'
import { earlyProgress } from './early-picture'
import { peekEarlySession, takeEarlySession } from './early-session'
import { UNANSWERED_CHECKS_MS, whenUnreachable } from './ice-reachability'

/** What the inline script leaves on `window` for the WHEP viewer to adopt. */
export interface EarlyWhep {
  url: string
  /** Whether the show has HLS for a page WebRTC cannot serve (the app then fetches its player early). */
  hls: boolean
  pc: RTCPeerConnection
  /** The POST's outcome: the session's Location once answered (201), else the status and what it said. */
  answered: Promise<{ status: number, location?: string, retryAfter?: number, message?: string }>
  /** Settles once the offer has left (or could not be made). */
  posted: Promise<void>
  /** Settles once its connection is up, or the session has failed or cannot connect from here (as `pictured` does). */
  signaled: Promise<void>
  /** Settles once the early player shows its first frame, or the session has failed or cannot connect from here. */
  pictured: Promise<void>
  /** Settles if the answered session cannot connect from this network (utils/ice-reachability.ts); else never. */
  unreachable: Promise<void>
  /** When the session was started (performance.now()): the page has waited for WebRTC since then. */
  startedAt: number
}

/**
 * Runs in the page before anything else (serialized by earlyWhepScript): plain browser APIs only,
 * nothing from the app, and the page reached through `globalThis` (the server build replaces the
 * names `window` and `document`, which it is compiled in). Failures are left for the WHEP viewer,
 * which opens a session of its own.
 */
function startEarlyWhep(url: string, iceServers: RTCIceServer[], hls: boolean, key: string, progressOf: typeof earlyProgress, cannotReach: typeof whenUnreachable, unansweredMs: number) {
  const page = globalThis as unknown as Window & Record<string, unknown>
  try {
    const startedAt = performance.now()
    performance.mark('wrencos:whep-start')
    const { pictured, signaled, settle, follow } = progressOf('whep')
    const pc = new RTCPeerConnection({ iceServers })
    pc.addTransceiver('video', { direction: 'recvonly' })
    pc.addTransceiver('audio', { direction: 'recvonly' })
    follow(pc)
    // A host candidate is in the offer, so the server can check towards the browser at once
    // rather than when the viewer trickles it. The offer leaves with the first one (Chromium's
    // gathering ends only after 150 ms and more, waiting on every interface and protocol); those
    // that follow are sent by PATCH once the viewer adopts this session (HttpSignaling.adopt).
    let candidate = () => {}
    const firstCandidate = new Promise<void>(resolve => (candidate = resolve))
    pc.addEventListener('icecandidate', () => candidate())
    let sent = () => {}
    const posted = new Promise<void>(resolve => (sent = resolve))
    // setLocalDescription() makes the offer itself: one turn of a busy main thread less.
    const answered = pc.setLocalDescription().then(() => Promise.race([firstCandidate, new Promise(resolve => setTimeout(resolve, 150))])).then(() => {
      performance.mark('wrencos:whep-post')
      sent()
      return fetch(url, { method: 'POST', body: pc.localDescription!.sdp, headers: { 'content-type': 'application/sdp' }, credentials: 'same-origin' })
    }).then(async (response) => {
      if (response.status !== 201) {
        const body = await response.json().catch(() => null) as { message?: string } | null
        return { status: response.status, retryAfter: Number(response.headers.get('retry-after')) || undefined, message: body?.message }
      }
      const location = response.headers.get('location') ?? undefined
      await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() })
      return { status: 201, location }
    })
    answered.catch(() => {}).finally(sent)
    answered.then(outcome => outcome.status !== 201 && settle(), settle)
    // A network WebRTC cannot cross ends the app's wait for the early picture now, so the page
    // plays HLS a second and more sooner than after HLS_AFTER_MS (the WHEP viewer takes this too).
    const unreachable = answered.then(outcome => outcome.status === 201 ? cannotReach(pc, unansweredMs) : new Promise<void>(() => {}))
    unreachable.then(settle, () => {})
    page[key] = { url, hls, pc, answered, posted, signaled, pictured, unreachable, startedAt }
  }
  catch {
    // No WebRTC here, or it refused: the room's player tries again and says why.
  }
}

/** The inline script for a live show's page: its WHEP path, the ICE servers and whether it has HLS, escaped for a <script>. */
export function earlyWhepScript(url: string, iceServers: RTCIceServer[], hls: boolean): string {
  return `(${startEarlyWhep.toString()})(${scriptSafeJson(url)},${scriptSafeJson(iceServers)},${hls},${scriptSafeJson(EARLY_WHEP_KEY)},${earlyProgress.toString()},${whenUnreachable.toString()},${UNANSWERED_CHECKS_MS})`
}

/**
 * Settles once the page's early session shows that WebRTC cannot serve it now: the show is full
 * (503), or this network lets no connection through. Never settles otherwise.
 */
export function earlyWhepCannotPlay(early: EarlyWhep): Promise<void> {
  const full = early.answered.then(outcome => outcome.status === 503 ? undefined : new Promise<void>(() => {}), () => new Promise<void>(() => {}))
  return Promise.race([full, early.unreachable])
}

/** How long the page has waited for WebRTC already: since its early session for `url` started (0: none). */
export function earlyWhepAge(url: string): number {
  const early = peekEarlySession<EarlyWhep>(EARLY_WHEP_KEY)
  return early?.url === url ? performance.now() - early.startedAt : 0
}

/** The early session for `url`, taken once (a second call, or another show's page, gets none). */
export function takeEarlyWhep(url: string): EarlyWhep | undefined {
  return takeEarlySession<EarlyWhep>(EARLY_WHEP_KEY, early => early.url === url, early => early.pc.close())
}
