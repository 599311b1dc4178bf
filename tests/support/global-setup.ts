// Shared by the server and e2e projects: one build and one running server for both. Vitest runs
// every project's global setup in the main process, so a handle on globalThis is shared.
import type { TestProject } from 'vitest/node'
import { buildApp, startServer, type RunningServer } from './server'

interface Shared { server: Promise<RunningServer>, users: number, adminToken: Promise<string> }
const KEY = Symbol.for('wrencos.test.server')
const registry = globalThis as unknown as Record<symbol, Shared | undefined>

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string
    dataDir: string
    jwtSecret: string
    adminEmail: string
    adminPassword: string
    adminToken: string
  }
}

async function loginAdmin(server: RunningServer): Promise<string> {
  const response = await fetch(`${server.baseURL}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: server.env.NUXT_ADMIN_EMAIL, password: server.env.NUXT_ADMIN_PASSWORD }),
  })
  if (!response.ok) throw new Error(`admin login failed: ${response.status} ${await response.text()}`)
  return ((await response.json()) as { token: string }).token
}

export default async function setup(project: TestProject) {
  let shared = registry[KEY]
  if (!shared) {
    const server = (async () => {
      if (process.env.WRENCOS_SKIP_BUILD !== '1') buildApp()
      return startServer()
    })()
    shared = { server, users: 0, adminToken: server.then(loginAdmin) }
    registry[KEY] = shared
  }
  shared.users++
  const server = await shared.server
  project.provide('baseURL', server.baseURL)
  project.provide('dataDir', server.dataDir)
  project.provide('jwtSecret', server.env.NUXT_JWT_SECRET!)
  project.provide('adminEmail', server.env.NUXT_ADMIN_EMAIL!)
  project.provide('adminPassword', server.env.NUXT_ADMIN_PASSWORD!)
  project.provide('adminToken', await shared.adminToken)

  return async () => {
    if (--shared!.users > 0) return
    registry[KEY] = undefined
    await server.stop()
  }
}
