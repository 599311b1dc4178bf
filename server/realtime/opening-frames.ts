import type { ClientMessage } from '#shared/schemas/socket'

/**
 * The frames a socket asks for in its address, handled as its first frames, in this order, as if
 * it had sent them the moment it opened (README, "Where this project adds to the protocol"):
 * `?register=<livestreamId>&session=<sessionId>` is `register`, and `&video=p2p` adds
 * `webrtc_register` (customer) and `webrtc_new_customer`. The live page's early p2p script opens
 * its socket so (utils/early-p2p.ts): a page cannot send before its `open` event, which waits for
 * its main thread, laying the page out just then (60-120 ms after the server had accepted the
 * socket, in a trace of a join), while the studio's offer could already be on its way.
 * They go through the hub like any frame: checked, limited, refused with an `error` frame.
 */
export function openingFrames(url: string): string[] {
  const query = new URL(url, 'http://localhost').searchParams
  const livestreamId = query.get('register')
  const sessionId = query.get('session')
  if (livestreamId === null || sessionId === null) return []
  const frames: ClientMessage[] = [{ type: 'register', livestreamId, sessionId }]
  if (query.get('video') === 'p2p') frames.push({ type: 'webrtc_register', userType: 'customer' }, { type: 'webrtc_new_customer' })
  return frames.map(frame => JSON.stringify(frame))
}
