import type { ClientMessageOf } from '#shared/schemas/socket'
import { useOnAirStore } from '../stores/on-air'
import type { LiveSocket } from './useLiveSocket'

/**
 * Polls, questions and giveaways for one page's socket: the store wired to it (attach on open, load
 * after each registration) and what customers and staff can send, bound to that socket.
 */
export function useOnAir(socket: LiveSocket, livestreamId: string) {
  const store = useOnAirStore()
  return {
    store,
    open() {
      store.reset()
      store.attach(socket)
    },
    /** After each (re)registration: what happened while the socket was down. */
    load: () => store.load(livestreamId).catch(() => {}),
    close: () => store.detach(),
    vote: (pollId: string, option: number) => store.vote(socket, pollId, option),
    enter: (giveawayId: string) => store.send(socket, { type: 'giveaway_enter', giveawayId }),
    ask: (text: string) => store.send(socket, { type: 'question_ask', text }),
    startPoll: (poll: Omit<ClientMessageOf<'poll_start'>, 'type'>) => store.send(socket, { type: 'poll_start', ...poll }),
    endPoll: (pollId: string) => store.send(socket, { type: 'poll_end', pollId }),
    pin: (questionId: string) => store.send(socket, { type: 'question_pin', questionId }),
    answered: (questionId: string) => store.send(socket, { type: 'question_answered', questionId }),
    startGiveaway: (giveaway: Omit<ClientMessageOf<'giveaway_start'>, 'type'>) => store.send(socket, { type: 'giveaway_start', ...giveaway }),
    draw: (giveawayId: string, winners: number) => store.send(socket, { type: 'giveaway_draw', giveawayId, winners }),
  }
}

export type OnAirSession = ReturnType<typeof useOnAir>
