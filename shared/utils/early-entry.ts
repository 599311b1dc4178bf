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
 * app.
 * The modules (`modules`, the page's preload hints) are still fetched ahead of that, as prefetches,
 * but only once the session's connection is up (`signaled`), or it gave up, and at the latest with
 * the entry. A browser opens 6 HTTP/1.1 connections to a server: with 30 prefetches in the head,
 * the offer's POST queued behind them (20-350 ms, seen in a relay join's resource timing) while
 * the server was busy sending them. Asked for once the answer was in, they still slowed what
 * followed on the page: an early p2p answer came up 150 ms sooner, a relay viewer's first frame
 * 100 ms sooner, when they waited for the connection (medians of 10-20 joins, bench README).
 * Put in place of Nuxt's `<script type="module" src>` by server/plugins/early-entry.ts; the
 * sessions are utils/early-whep.ts's and utils/early-p2p.ts's.
 */
export function deferredEntryScript(src: string, modules: string[] = []): string {
  const prefetch = `let hinted=false;const prefetch=()=>{if(hinted)return;hinted=true;for(const href of ${scriptSafeJson(modules)}){const link=document.createElement('link');link.rel='prefetch';link.as='script';link.crossOrigin='';link.href=href;document.head.append(link)}};`
  return `const early=window[${scriptSafeJson(EARLY_WHEP_KEY)}]||window[${scriptSafeJson(EARLY_P2P_KEY)}];${prefetch}Promise.resolve(early&&early.signaled).then(prefetch);if(early)await Promise.race([early.pictured,new Promise(r=>setTimeout(r,${ENTRY_WAITS_UNTIL_MS}-performance.now()))]);prefetch();await import(${scriptSafeJson(src)})`
}

/** Whether a piece of a page's head is an early session's script (WHEP, or p2p). */
export const isEarlyScript = (html: string) => html.includes(EARLY_WHEP_KEY) || html.includes(EARLY_P2P_KEY)
