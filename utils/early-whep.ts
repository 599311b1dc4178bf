// The first frame must not wait for the page's JavaScript (PROTOCOL.md, "First frame"). For a show
// the server renders as live in relay or janus mode, the page's HTML carries a small inline
// script (earlyWhepScript) that opens the WHEP session while the app's bundle is still on its way:
// its offer leaves at once, the answer is applied, and the picture goes to the server-rendered
// <video data-early-video>. When the room mounts, the WHEP viewer (composables/video) adopts that session
// (takeEarlyWhep) instead of opening another.

/** What the inline script leaves on `window` for the store to adopt. */
export interface EarlyWhep {
  url: string
  pc: RTCPeerConnection
  /** The POST's outcome: the session's Location once answered (201), else the status and what it said. */
  answered: Promise<{ status: number, location?: string, retryAfter?: number, message?: string }>
  /** Settles once the offer has left (or could not be made). */
  posted: Promise<void>
}

const KEY = '__wrencosEarlyWhep'

/**
 * Runs in the page before anything else (serialized by earlyWhepScript): plain browser APIs only,
 * nothing from the app, and the page reached through `globalThis` (the server build replaces the
 * names `window` and `document`, which it is compiled in). Failures are left for the store, which
 * opens a session of its own.
 */
function startEarlyWhep(url: string, iceServers: RTCIceServer[], key: string) {
  const page = globalThis as unknown as Window & Record<string, unknown>
  try {
    performance.mark('wrencos:whep-start')
    const pc = new RTCPeerConnection({ iceServers })
    pc.addTransceiver('video', { direction: 'recvonly' })
    pc.addTransceiver('audio', { direction: 'recvonly' })
    pc.ontrack = (event) => {
      const video = page.document.querySelector<HTMLVideoElement>('video[data-early-video]')
      const stream = event.streams[0] ?? new MediaStream([event.track])
      if (!video || video.srcObject === stream) return
      video.srcObject = stream
      video.play().catch(() => {})
    }
    // The host candidates are in the offer (a few ms without STUN; at most 150 ms with it), so
    // the relay can check towards the browser at once rather than when the store trickles them.
    const gathered = () => new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve()
      setTimeout(resolve, 150)
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve())
    })
    let sent = () => {}
    const posted = new Promise<void>(resolve => (sent = resolve))
    const answered = pc.createOffer().then(offer => pc.setLocalDescription(offer)).then(gathered).then(() => {
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
    page[key] = { url, pc, answered, posted }
  }
  catch {
    // No WebRTC here, or it refused: the room's player tries again and says why.
  }
}

/** The inline script for a live show's page: its WHEP path and the ICE servers, escaped for a <script>. */
export function earlyWhepScript(url: string, iceServers: RTCIceServer[]): string {
  const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c')
  return `(${startEarlyWhep.toString()})(${json(url)},${json(iceServers)},${json(KEY)})`
}

/**
 * Waits until the early session's offer has left, at most `ms`: the app mounts after it, so the
 * offer is not held behind hydration on a busy main thread (plugins/early-whep.client.ts).
 */
export function earlyOfferSent(ms: number): Promise<void> {
  const early = typeof window === 'undefined' ? undefined : (window as unknown as Record<string, EarlyWhep | undefined>)[KEY]
  if (!early) return Promise.resolve()
  return Promise.race([early.posted, new Promise<void>(resolve => setTimeout(resolve, ms))])
}

/** The early session for `url`, taken once (a second call, or another show's page, gets none). */
export function takeEarlyWhep(url: string): EarlyWhep | undefined {
  if (typeof window === 'undefined') return undefined
  const holder = window as unknown as Record<string, EarlyWhep | undefined>
  const early = holder[KEY]
  if (!early) return undefined
  holder[KEY] = undefined
  if (early.url === url) return early
  early.pc.close()
  return undefined
}
