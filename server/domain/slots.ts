/**
 * Counted places that must never be overbooked, even by a burst of parallel requests: sockets
 * open from one address, WHEP sessions of one address or browser. `take` checks and counts in one
 * step (no await between them), so N parallel requests for the last place get it once.
 */
export interface SlotStore {
  /** Takes one of `max` places under `key`; false when all are taken. */
  take(key: string, max: number): Promise<boolean>
  /** Gives back a place `take` gave. */
  give(key: string): Promise<void>
}

/** The places of this process alone (one process, or tests). */
export function memorySlots(): SlotStore {
  const taken = new Map<string, number>()
  return {
    async take(key, max) {
      const count = taken.get(key) ?? 0
      if (count >= max) return false
      taken.set(key, count + 1)
      return true
    },
    async give(key) {
      const count = (taken.get(key) ?? 0) - 1
      if (count > 0) taken.set(key, count)
      else taken.delete(key)
    },
  }
}
