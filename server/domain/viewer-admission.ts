// Who may open a WHEP session (PROTOCOL.md, "Capacity and overload"): besides the show's own
// capacity (the media backend's), no address holds more sessions than it may hold sockets (a
// carrier's NAT puts a real audience behind one address) and no browser more than a few. The
// places are taken before anything is awaited and given back when the session ends, however it
// ends (a DELETE, a viewer that left, one that never connected), as the media backend tells.
import { DomainError } from './errors'
import type { SlotStore } from './slots'

export interface ViewerCaps {
  /** WHEP sessions one address may hold at once: the socket cap. */
  perAddress: number
  /** WHEP sessions one browser (device cookie) may hold at once: a few tabs. */
  perDevice: number
}

export const DEFAULT_VIEWER_CAPS: ViewerCaps = { perAddress: 50, perDevice: 4 }

/** A viewer's places, held from admission until its session ends (or the offer fails). */
export interface Admission {
  /** The session the places now belong to: they are given back when it ends. */
  bind(sessionId: string): void
  release(): Promise<void>
}

export interface ViewerAdmission {
  admit(origin: { address?: string, deviceId?: string }): Promise<Admission>
  /** A session ended (the media backend said so): its places are free again. */
  ended(sessionId: string): Promise<void>
}

export function createViewerAdmission(slots: SlotStore, caps: ViewerCaps = DEFAULT_VIEWER_CAPS): ViewerAdmission {
  const bySession = new Map<string, Admission>()
  return {
    async admit({ address, deviceId }) {
      const wanted: [string, number, string][] = []
      if (address && address !== 'unknown') wanted.push([`whep:address:${address}`, caps.perAddress, 'this address'])
      if (deviceId) wanted.push([`whep:device:${deviceId}`, caps.perDevice, 'this browser'])
      const taken: string[] = []
      const giveAll = () => Promise.all(taken.splice(0).map(key => slots.give(key))).then(() => {})
      for (const [key, max, who] of wanted) {
        if (await slots.take(key, max)) {
          taken.push(key)
          continue
        }
        await giveAll()
        throw new DomainError('rate_limited', `${who} already watches with ${max} players; close one and try again`, { retryAfterSeconds: 10 })
      }
      let session: string | undefined
      const admission: Admission = {
        bind(sessionId) {
          session = sessionId
          bySession.set(sessionId, admission)
        },
        async release() {
          if (session) bySession.delete(session)
          await giveAll()
        },
      }
      return admission
    },
    async ended(sessionId) {
      await bySession.get(sessionId)?.release()
    },
  }
}
