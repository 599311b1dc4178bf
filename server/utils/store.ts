import type { Store } from '../db'

let ready: Promise<Store> | undefined
let resolveReady: ((store: Store) => void) | undefined
let rejectReady: ((error: unknown) => void) | undefined

function pending(): Promise<Store> {
  ready ??= new Promise<Store>((resolve, reject) => {
    resolveReady = resolve
    rejectReady = reject
  })
  return ready
}

/**
 * The open Store. Nitro does not await async plugins, so a request that arrives while the
 * database is still opening waits here rather than failing.
 */
export function useStore(): Promise<Store> {
  return pending()
}

/** Called once by the store plugin when the database is open (or failed to open). */
export function provideStore(result: { store: Store } | { error: unknown }): void {
  pending()
  if ('store' in result) resolveReady!(result.store)
  else rejectReady!(result.error)
}
