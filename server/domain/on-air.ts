// What a show has on air, for a page that arrives late, reconnects, or plays the replay: its polls
// (drafts only for staff), its questions (the queue for staff; pinned and answered ones for
// everyone), its giveaways, and what the asking account already voted and entered.
import type { OnAir, Role } from '#shared/types/models'
import { isStaff } from '#shared/utils/roles'
import type { Core } from './core'
import { presentGiveaway } from './giveaways'
import { findLivestream } from './livestreams'
import { presentPoll } from './polls'
import { presentQuestion } from './questions'

export async function onAirOf(core: Core, livestreamId: string, viewer?: { id: string, role: Role }): Promise<OnAir> {
  await findLivestream(core, livestreamId)
  const items = await core.store.listOnAir(livestreamId)
  const staff = !!viewer && isStaff(viewer.role)
  const mine = viewer ? await core.store.onAirResponsesOf(livestreamId, viewer.id) : []
  const kinds = new Map(items.map(item => [item.id, item.kind]))
  return {
    polls: await Promise.all(items.filter(item => item.kind === 'poll' && (item.status === 'open' || item.status === 'ended')).map(item => presentPoll(core, item))),
    questions: items.filter(item => item.kind === 'question' && (staff || item.status !== 'open')).map(presentQuestion),
    giveaways: await Promise.all(items.filter(item => item.kind === 'giveaway').map(item => presentGiveaway(core, item))),
    mine: {
      votes: Object.fromEntries(mine.filter(response => kinds.get(response.itemId) === 'poll').map(response => [response.itemId, response.value])),
      entered: mine.filter(response => kinds.get(response.itemId) === 'giveaway').map(response => response.itemId),
    },
  }
}
