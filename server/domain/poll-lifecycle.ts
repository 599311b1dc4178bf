import { timersAt } from '../utils/clock'
import type { Core } from './core'
import { listenTo } from './events'
import { endPoll } from './polls'

/**
 * What ends a poll by itself, wired where the app is assembled: its time (timers set again at
 * start for polls still open, so a restart ends them too) and its show's end. With several
 * processes each sets its timers and the store lets one of them end it (endPoll says it once).
 */
export function wirePolls(core: Core): () => void {
  const timers = timersAt(core.clock)
  const report = (what: string) => (error: unknown) => console.error(`[polls] could not ${what}`, error)

  const endAt = (livestreamId: string, pollId: string, endsAt: string) =>
    timers.at(pollId, endsAt, () => void endPoll(core, livestreamId, pollId).catch(report('end a poll')))

  const endShowPolls = async (livestreamId: string) => {
    for (const poll of await core.store.listOnAir(livestreamId, 'poll')) if (poll.status === 'open') await endPoll(core, livestreamId, poll.id)
  }

  void core.store.listLivestreams({ status: 'live', limit: 1000 })
    .then(streams => Promise.all(streams.map(stream => core.store.listOnAir(stream.id, 'poll'))))
    .then(polls => polls.flat().filter(poll => poll.status === 'open' && poll.endsAt).forEach(poll => endAt(poll.livestreamId, poll.id, poll.endsAt!)))
    .catch(report('resume the polls still open'))

  const detach = listenTo(core.events, {
    pollStarted: poll => poll.endsAt && endAt(poll.livestreamId, poll.id, poll.endsAt),
    pollEnded: poll => timers.cancel(poll.id),
    stopped: livestream => void endShowPolls(livestream.id).catch(report('end the polls of a show')),
  })
  return () => {
    detach()
    timers.clear()
  }
}
