import type { RoomHub } from '../realtime/hub'

let ready: Promise<RoomHub> | undefined
let settle: { resolve: (hub: RoomHub) => void, reject: (error: unknown) => void } | undefined

function pending(): Promise<RoomHub> {
  ready ??= new Promise<RoomHub>((resolve, reject) => {
    settle = { resolve, reject }
  })
  return ready
}

/** The room hub, once the store and the bus are open (sockets that arrive earlier wait here). */
export function useHub(): Promise<RoomHub> {
  return pending()
}

export function provideHub(result: { hub: RoomHub } | { error: unknown }): void {
  pending()
  if ('hub' in result) settle!.resolve(result.hub)
  else settle!.reject(result.error)
}
