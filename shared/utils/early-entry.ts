import { scriptSafeJson } from './script-json'

/** Where a live show's page keeps its early WHEP session (utils/early-whep.ts) for the app to adopt. */
export const EARLY_WHEP_KEY = '__wrencosEarlyWhep'
/** Where a live p2p show's page keeps its early socket and connection (utils/early-p2p.ts). */
export const EARLY_P2P_KEY = '__wrencosEarlyP2p'

/**
 * The app's modules wait for the early picture until this long after the page opened, at most.
 * At 1 s, on a slow machine (viewer-join, the bare page's first frame at 0.8-1 s), the app began
 * evaluating while the connection was still coming up, and the first frame came after hydration.
 */
const ENTRY_WAITS_UNTIL_MS = 2000

/**
 * The app's entry, for a page with an early session (WHEP, or p2p): loaded once the early player
 * shows its first frame (or the session failed), at most until ENTRY_WAITS_UNTIL_MS after the
 * page opened, not beside it. Every step of the session (the offer, its candidate, the answer, the
 * connection, the first frame) takes a turn of the main thread, and evaluating and hydrating the
 * app's modules (about 145 KB gzip) holds it for 150 ms and more: the picture waited behind the
 * app. The modules still download meanwhile (prefetched: see server/plugins/early-entry.ts), and
 * the server-rendered page is on screen.
 * Put in place of Nuxt's `<script type="module" src>` by server/plugins/early-entry.ts; the
 * session is utils/early-whep.ts's.
 */
export function deferredEntryScript(src: string): string {
  return `const early=window[${scriptSafeJson(EARLY_WHEP_KEY)}]||window[${scriptSafeJson(EARLY_P2P_KEY)}];if(early)await Promise.race([early.pictured,new Promise(r=>setTimeout(r,${ENTRY_WAITS_UNTIL_MS}-performance.now()))]);await import(${scriptSafeJson(src)})`
}

/** Whether a piece of a page's head is an early session's script (WHEP, or p2p). */
export const isEarlyScript = (html: string) => html.includes(EARLY_WHEP_KEY) || html.includes(EARLY_P2P_KEY)
