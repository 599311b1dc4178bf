import { createRequire } from 'node:module'
import { NativeViewerLink, type NativeStack } from './native/native-viewer-link'
import type { ViewerLinkFactory } from './viewer-link'
import { WeriftViewerLink } from './werift-viewer-link'

/** Which WebRTC stack carries the relay's viewers (NUXT_MEDIA_VIEWER_STACK). */
export type ViewerStack = 'native' | 'werift'

/**
 * Viewers whose connection (ICE, DTLS) is set up at once (join-queue.ts). werift's handshakes run
 * on the relay's thread, between its packets; the native stack's on threads of its own, so more
 * may join together (bench/README.md, benchmark 7).
 */
const JOINING_AT_ONCE: Record<ViewerStack, number> = { native: 32, werift: 8 }

/** The stack that carries the viewers: how to make a viewer's link, and how many may set theirs up at once. */
export interface ViewerLinks {
  stack: ViewerStack
  create: ViewerLinkFactory
  joiningAtOnce: number
}

/**
 * The stack's viewer links. `native`, the default, sets connections up and sends for a fraction of
 * werift's cost (bench/README.md, benchmark 7, sessions 7 and 8); past what the relay can carry,
 * capacity.ts turns viewers away and lets the newest go. It needs node-datachannel's prebuilt
 * library for this platform; where that cannot load, the relay says so once and carries its
 * viewers on werift, which runs anywhere Node does.
 */
export function viewerLinks(stack: ViewerStack): ViewerLinks {
  const native = stack === 'native' ? loadNative() : null
  if (native) return { stack: 'native', create: (codecs, network, events) => new NativeViewerLink(native, codecs, network, events), joiningAtOnce: JOINING_AT_ONCE.native }
  return { stack: 'werift', create: (codecs, network, events) => new WeriftViewerLink(codecs, network, events), joiningAtOnce: JOINING_AT_ONCE.werift }
}

let loaded: NativeStack | null | undefined
function loadNative(): NativeStack | null {
  if (loaded !== undefined) return loaded
  try {
    loaded = createRequire(import.meta.url)('node-datachannel') as NativeStack
  }
  catch (error) {
    console.error(`[relay] node-datachannel could not load (${(error as Error).message.split('\n')[0]}): viewers go through werift`)
    loaded = null
  }
  return loaded
}

/**
 * Closes what the native stack still holds and stops its threads (node-datachannel's cleanup),
 * while this thread still runs JavaScript: for the relay's close, before its thread ends.
 */
export function closeViewerStacks() {
  if (!loaded) return
  try {
    loaded.cleanup()
  }
  catch (error) {
    console.error(`[relay] the native WebRTC stack did not close cleanly: ${(error as Error).message}`)
  }
}
