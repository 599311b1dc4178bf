// Questions for the host (PROTOCOL.md "On air"): customers ask, moderated like chat (bans, pauses
// and blocked words hold); staff see the queue, pin one over the video (one at a time: the one
// pinned before goes back to the queue) and mark it answered.
import type { PersonRef, Question, QuestionStatus } from '#shared/types/models'
import { isStaff } from '#shared/utils/roles'
import type { OnAirRecord } from '../db'
import { blockedWordIn } from './chat-rules'
import { isoNow, type Core } from './core'
import { DomainError } from './errors'
import { assertMayTakePart, chatSettingsOf, type Participant } from './moderation'
import { itemOf, newItem, person, requireLive } from './on-air-items'

interface QuestionData { text: string, user: PersonRef, pinnedAt?: string, answeredAt?: string }

export function presentQuestion(item: OnAirRecord): Question {
  const data = item.data as unknown as QuestionData
  return {
    id: item.id,
    livestreamId: item.livestreamId,
    user: data.user,
    text: data.text,
    status: item.status as QuestionStatus,
    createdAt: item.createdAt,
    ...(data.pinnedAt ? { pinnedAt: data.pinnedAt } : {}),
    ...(data.answeredAt ? { answeredAt: data.answeredAt } : {}),
  }
}

export async function askQuestion(core: Core, livestreamId: string, asker: Participant & { user: PersonRef & { role: Participant['user']['role'] } }, text: string): Promise<Question> {
  const stream = await requireLive(core, livestreamId, 'questions are asked')
  if (!isStaff(asker.user.role)) {
    await assertMayTakePart(core, livestreamId, asker, 'ask')
    if (blockedWordIn(text, chatSettingsOf(stream).blockedWords)) throw new DomainError('forbidden', 'this show\'s moderators do not allow a word in that question')
  }
  const item = newItem(core, livestreamId, 'question', asker.user, 'open', { text, user: person(asker.user) })
  await core.store.createOnAir(item)
  const question = presentQuestion(item)
  core.events.emit('questionAsked', question)
  return question
}

/** Pins a question over the video for the whole room; the one pinned before goes back to the queue. */
export async function pinQuestion(core: Core, livestreamId: string, questionId: string): Promise<Question> {
  const item = await itemOf(core, livestreamId, 'question', questionId)
  for (const pinned of (await core.store.listOnAir(livestreamId, 'question')).filter(other => other.status === 'pinned' && other.id !== questionId)) {
    await core.store.updateOnAir(pinned.id, { status: 'open' }, ['pinned'])
  }
  const now = await core.store.updateOnAir(questionId, { status: 'pinned', data: { ...item.data, pinnedAt: isoNow(core) } }, ['open', 'pinned'])
  if (!now) throw new DomainError('conflict', 'this question has been answered')
  const question = presentQuestion(now)
  core.events.emit('questionPinned', question)
  return question
}

export async function answerQuestion(core: Core, livestreamId: string, questionId: string) {
  const item = await itemOf(core, livestreamId, 'question', questionId)
  const now = await core.store.updateOnAir(questionId, { status: 'answered', data: { ...item.data, answeredAt: isoNow(core) } }, ['open', 'pinned'])
  if (now) core.events.emit('questionAnswered', { livestreamId, questionId })
  return presentQuestion(now ?? item)
}
