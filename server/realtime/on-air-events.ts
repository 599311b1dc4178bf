import type { Core } from '../domain/core'
import { listenTo } from '../domain/events'
import { entriesOf } from '../domain/giveaways'
import { presentPoll } from '../domain/polls'
import { keyedThrottle } from '../utils/keyed-throttle'
import type { Fanout } from './fanout'

/**
 * Polls, questions and giveaways as the room hears them (PROTOCOL.md "On air"). Votes and entries
 * are coalesced like the counters: however many arrive, a few frames a second per poll or
 * giveaway, each with the counts read from the store then, so every process says the same.
 */
export function wireOnAirEvents(core: Core, fanout: Fanout, intervalMs: number) {
  const pollCounts = keyedThrottle<{ livestreamId: string }>({
    intervalMs,
    clock: core.clock,
    run: async (pollId, { livestreamId }) => {
      const item = await core.store.getOnAir(pollId)
      if (item) fanout.publish(livestreamId, { type: 'poll_updated', livestreamId, pollId, counts: (await presentPoll(core, item)).counts })
    },
  })
  const entryCounts = keyedThrottle<{ livestreamId: string }>({
    intervalMs,
    clock: core.clock,
    run: async (giveawayId, { livestreamId }) => {
      const entries = await entriesOf(core, giveawayId)
      fanout.publish(livestreamId, { type: 'giveaway_updated', livestreamId, giveawayId, entries })
    },
  })
  const detach = listenTo(core.events, {
    pollStarted: poll => fanout.publish(poll.livestreamId, { type: 'poll_started', poll }),
    pollVoted: ({ livestreamId, pollId }) => pollCounts.note(pollId, { livestreamId }),
    pollEnded: poll => fanout.publish(poll.livestreamId, { type: 'poll_ended', livestreamId: poll.livestreamId, pollId: poll.id, counts: poll.counts, poll }),
    questionAsked: question => fanout.publish(question.livestreamId, { type: 'question_asked', question }, { audience: 'staff' }),
    questionPinned: question => fanout.publish(question.livestreamId, { type: 'question_pinned', question }),
    questionAnswered: ({ livestreamId, questionId }) => fanout.publish(livestreamId, { type: 'question_answered', livestreamId, questionId }),
    giveawayStarted: giveaway => fanout.publish(giveaway.livestreamId, { type: 'giveaway_started', giveaway }),
    giveawayEntered: ({ livestreamId, giveawayId }) => entryCounts.note(giveawayId, { livestreamId }),
    // The studio's "Also live on" panel: each destination's push as it goes.
    destinationState: state => fanout.publish(state.livestreamId, { type: 'destination_state', ...state }, { audience: 'staff' }),
    giveawayDrawn: giveaway => fanout.publish(giveaway.livestreamId, { type: 'giveaway_drawn', livestreamId: giveaway.livestreamId, giveawayId: giveaway.id, winners: giveaway.winners ?? [], seed: giveaway.seed!, giveaway }),
  })
  return { detach, flush: () => Promise.all([pollCounts.flush(), entryCounts.flush()]).then(() => {}) }
}
