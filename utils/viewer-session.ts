const SESSION_KEY = 'wrencos:viewer-session'

/** One id per browser, so a reload or a second tab is the same viewer, counted once. */
export function viewerSessionId(): string {
  let id = localStorage.getItem(SESSION_KEY)
  if (!id) {
    id = crypto.randomUUID()
    localStorage.setItem(SESSION_KEY, id)
  }
  return id
}
