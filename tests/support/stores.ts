// Every Store implementation, for the suites that must hold for each: SQLite always runs; MongoDB
// runs where NUXT_MONGODB_URI points at a server (a replica set: the GitHub workflow gives it one).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe } from 'vitest'
import { openStore, type Store } from '../../server/db'
import { createCore, type Core } from '../../server/domain/core'

const mongodbUri = process.env.NUXT_MONGODB_URI

export interface OpenedStore { store: Store, dataDir: string, cleanup: () => void }

const implementations: { name: string, open: () => Promise<OpenedStore> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'wrencos-store-'))
      return { store: await openStore({ dataDir }), dataDir, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) }
    },
  },
  {
    name: 'mongodb',
    open: async () => {
      // A database of its own per run, dropped afterwards.
      const url = new URL(mongodbUri!)
      url.pathname = `/wrencos_contract_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`
      const dataDir = mkdtempSync(join(tmpdir(), 'wrencos-store-'))
      const store = await openStore({ mongodbUri: url.toString(), dataDir: '' })
      return { store, dataDir, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) }
    },
  },
]

/** Runs `suite` once per Store implementation (MongoDB only where one is configured). */
export function forEachStore(title: string, suite: (name: string) => void) {
  for (const impl of implementations) {
    describe.skipIf(impl.name === 'mongodb' && !mongodbUri)(`${title}: ${impl.name}`, () => suite(impl.name))
  }
}

export function openImplementation(name: string): Promise<OpenedStore> {
  return implementations.find(impl => impl.name === name)!.open()
}

/**
 * A core on a fresh store of implementation `name`, for the tests of a describe block or file:
 * opened before them, flushed and closed after. Read it inside a test: `const { core } = opened()`.
 */
export function coreOnStore(name = 'sqlite'): () => { core: Core, store: Store } {
  let opened: OpenedStore | undefined
  let core: Core | undefined
  beforeAll(async () => {
    opened = await openImplementation(name)
    core = createCore({ store: opened.store, dataDir: opened.dataDir })
  })
  afterAll(async () => {
    await core?.flush()
    await opened?.store.close()
    opened?.cleanup()
  })
  return () => ({ core: core!, store: opened!.store })
}
