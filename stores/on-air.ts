import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Giveaway, OnAir, Poll, Question } from '#shared/types/models'
import type { ClientMessage } from '#shared/schemas/socket'
import type { LiveSocket } from '../composables/useLiveSocket'
import { useSessionStore } from './session'

// Listed here rather than read off the zod schemas: the page does not load zod until checkout.
const ON_AIR_TYPES = ['poll_start', 'poll_vote', 'poll_end', 'question_ask', 'question_pin', 'question_answered', 'giveaway_start', 'giveaway_enter', 'giveaway_draw'] as const
type OnAirType = typeof ON_AIR_TYPES[number]
const isOnAirType = (type: string): type is OnAirType => (ON_AIR_TYPES as readonly string[]).includes(type)

const upsert = <T extends { id: string }>(list: T[], item: T) => [...list.filter(known => known.id !== item.id), item]

/**
 * A show's polls, questions and giveaways as the room tells them (PROTOCOL.md "On air"), for
 * customers and staff alike: loaded from GET /on-air after each registration (a page that comes
 * back misses nothing, and knows its own votes and entries), then kept current by the socket.
 */
export const useOnAirStore = defineStore('on-air', () => {
  const polls = ref<Poll[]>([])
  const questions = ref<Question[]>([])
  const giveaways = ref<Giveaway[]>([])
  const votes = ref<Record<string, number>>({})
  const entered = ref<string[]>([])
  /** What this page asked: "sent to the host". */
  const asked = ref<Question[]>([])
  /** The last refusal of one of our on-air messages. */
  const problem = ref<string | null>(null)
  let unsubscribe: Array<() => void> = []

  const poll = computed(() => polls.value.at(-1))
  const pinnedQuestion = computed(() => questions.value.find(question => question.status === 'pinned'))
  const queue = computed(() => questions.value.filter(question => question.status !== 'answered'))
  const giveaway = computed(() => giveaways.value.at(-1))

  async function load(livestreamId: string) {
    const state = await $fetch<OnAir>(`/api/livestreams/${livestreamId}/on-air`)
    polls.value = state.polls
    questions.value = state.questions
    giveaways.value = state.giveaways
    votes.value = state.mine.votes
    entered.value = state.mine.entered
  }

  function attach(socket: LiveSocket) {
    detach()
    const counts = (pollId: string, next: number[]) => (polls.value = polls.value.map(known => known.id === pollId ? { ...known, counts: next } : known))
    unsubscribe = [
      socket.on('poll_started', message => (polls.value = upsert(polls.value, message.poll))),
      // Coalesced updates can arrive after the end: the end's counts stand.
      socket.on('poll_updated', ({ pollId, counts: next }) => polls.value.find(known => known.id === pollId && !known.endedAt) && counts(pollId, next)),
      socket.on('poll_ended', message => (polls.value = upsert(polls.value, message.poll))),
      socket.on('question_asked', ({ question }) => {
        // Staff get the queue; a customer hears only of their own question.
        if (questions.value.some(known => known.id === question.id) || asked.value.some(known => known.id === question.id)) return
        if (useSessionStore().isStaff) questions.value = [...questions.value, question]
        else asked.value = [...asked.value, question]
      }),
      socket.on('question_pinned', ({ question }) => {
        questions.value = upsert(questions.value.map(known => known.status === 'pinned' ? { ...known, status: 'open' as const } : known), question)
      }),
      socket.on('question_answered', ({ questionId }) => {
        questions.value = questions.value.map(known => known.id === questionId ? { ...known, status: 'answered' as const } : known)
      }),
      socket.on('giveaway_started', message => (giveaways.value = upsert(giveaways.value, message.giveaway))),
      socket.on('giveaway_updated', ({ giveawayId, entries }) => {
        giveaways.value = giveaways.value.map(known => known.id === giveawayId && !known.drawnAt ? { ...known, entries } : known)
      }),
      socket.on('giveaway_entered', ({ giveawayId }) => {
        if (!entered.value.includes(giveawayId)) entered.value = [...entered.value, giveawayId]
      }),
      socket.on('giveaway_drawn', message => (giveaways.value = upsert(giveaways.value, message.giveaway))),
      socket.on('error', (message) => {
        if (message.ref && isOnAirType(message.ref)) problem.value = message.message
      }),
    ]
    return detach
  }

  function detach() {
    unsubscribe.forEach(stop => stop())
    unsubscribe = []
  }

  function send(socket: LiveSocket, message: ClientMessage & { type: OnAirType }) {
    problem.value = null
    if (!socket.send(message)) problem.value = 'Reconnecting… try again in a moment.'
  }

  function vote(socket: LiveSocket, pollId: string, option: number) {
    // Shown at once; the server's counts follow.
    votes.value = { ...votes.value, [pollId]: option }
    send(socket, { type: 'poll_vote', pollId, option })
  }

  function reset() {
    detach()
    polls.value = []
    questions.value = []
    giveaways.value = []
    votes.value = {}
    entered.value = []
    asked.value = []
    problem.value = null
  }

  return {
    polls, questions, giveaways, votes, entered, asked, problem, poll, pinnedQuestion, queue, giveaway,
    load, attach, detach, reset, send, vote,
  }
})
