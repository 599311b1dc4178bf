import type { Core } from '../domain/core'
import type { Bus } from './bus'
import type { Fanout } from './fanout'
import type { Rooms } from './rooms'
import type { ViewerCounts } from './viewer-counts'

/** What every message handler works with: the core, and this process's share of the rooms. */
export interface HubContext {
  readonly core: Core
  readonly bus: Bus
  readonly rooms: Rooms
  readonly fanout: Fanout
  readonly viewerCounts: ViewerCounts
}
