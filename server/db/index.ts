import type { Store } from './types'

/**
 * MongoDB when a URI is configured, the embedded SQLite store otherwise. Each is imported only
 * when chosen, so an embedded deployment never loads the MongoDB driver and vice versa.
 */
export async function openStore(options: { mongodbUri?: string, dataDir: string }): Promise<Store> {
  if (options.mongodbUri) {
    const { openMongoStore } = await import('./mongo/store')
    return openMongoStore(options.mongodbUri)
  }
  const { openSqliteStore } = await import('./sqlite/store')
  return openSqliteStore(options.dataDir)
}

export type * from './types'
export { StoreError } from './types'
