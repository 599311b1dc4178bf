import { safeStorage } from './safe-storage'

const SESSION_KEY = 'wrencos:viewer-session'

/** One id per browser, so a reload or a second tab is the same viewer, counted once. */
export function viewerSessionId(): string {
  let id = safeStorage.get(SESSION_KEY)
  if (!id) {
    id = crypto.randomUUID()
    safeStorage.set(SESSION_KEY, id)
  }
  return id
}
