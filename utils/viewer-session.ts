import { safeStorage } from './safe-storage'

/** Where the viewer session id is kept (the early p2p script reads and writes it too: utils/early-p2p.ts). */
export const SESSION_KEY = 'wrencos:viewer-session'

/** One id per browser, so a reload or a second tab is the same viewer, counted once. */
export function viewerSessionId(): string {
  let id = safeStorage.get(SESSION_KEY)
  if (!id) {
    id = crypto.randomUUID()
    safeStorage.set(SESSION_KEY, id)
  }
  return id
}
