import type { App } from '../app'
import type { Core } from '../domain/core'
import type { RoomHub } from '../realtime/hub'

let ready: Promise<App> | undefined
let settle: { resolve: (app: App) => void, reject: (error: unknown) => void } | undefined

function pending(): Promise<App> {
  ready ??= new Promise<App>((resolve, reject) => {
    settle = { resolve, reject }
  })
  return ready
}

/**
 * The running app. Nitro does not await async plugins, so a request or socket that arrives while
 * the database is still opening waits here rather than failing.
 */
export function useApp(): Promise<App> {
  return pending()
}

/** The core, for API handlers. */
export async function useCore(): Promise<Core> {
  return (await pending()).core
}

/** The room hub, for the socket route. */
export async function useHub(): Promise<RoomHub> {
  return (await pending()).hub
}

/** Called once by the app plugin when everything is open (or failed to open). */
export function provideApp(result: { app: App } | { error: unknown }): void {
  pending()
  if ('app' in result) settle!.resolve(result.app)
  else settle!.reject(result.error)
}
