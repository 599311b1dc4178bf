// localStorage that never throws: a browser may refuse storage to a page (a third-party frame such
// as the player on a brand's site, a private window, a full disk). Then values live in memory for
// as long as the page does, which is what the page can still do without it.
const memory = new Map<string, string>()

export const safeStorage = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(key)
    }
    catch {
      return memory.get(key) ?? null
    }
  },
  set(key: string, value: string) {
    try {
      localStorage.setItem(key, value)
    }
    catch {
      memory.set(key, value)
    }
  },
}
