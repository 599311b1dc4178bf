// The sessions the page's inline scripts start before the app loads (utils/early-whep.ts,
// utils/early-p2p.ts) wait on `window` under a key of their own until the room's player takes them.

const holder = () => typeof window === 'undefined' ? undefined : window as unknown as Record<string, unknown>

/** The early session under `key`, left where it is. */
export function peekEarlySession<T>(key: string): T | undefined {
  return holder()?.[key] as T | undefined
}

/**
 * The early session under `key`, taken off the page once: handed over if it `fits` (this show's,
 * still usable), otherwise let go (`letGo` closes what it holds). A second call gets none.
 */
export function takeEarlySession<T>(key: string, fits: (early: T) => boolean, letGo: (early: T) => void): T | undefined {
  const page = holder()
  const early = page?.[key] as T | undefined
  if (!page || !early) return undefined
  page[key] = undefined
  if (fits(early)) return early
  letGo(early)
  return undefined
}
