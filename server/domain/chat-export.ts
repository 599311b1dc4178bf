import type { ChatRecord } from '../db'
import type { Core } from './core'
import { csvName, toCsv } from '../utils/csv'
import { findLivestream } from './livestreams'

const PAGE = 500

/** Every line of a show, whatever its status, oldest first. */
async function everyLine(core: Core, livestreamId: string): Promise<ChatRecord[]> {
  const pages: ChatRecord[][] = []
  let before: ChatRecord | undefined
  for (;;) {
    const page = await core.store.listChat(livestreamId, { before, limit: PAGE, status: 'any' })
    pages.unshift(page)
    if (page.length < PAGE) break
    before = page[0]
  }
  return pages.flat()
}

/**
 * A show's chat and its moderation as one CSV, in time order: each line with its status (shown,
 * held, deleted), and each moderator's action with whom and what it concerned. For the brand's
 * records after the show, and for anyone who asks what happened to a message.
 */
export async function exportChat(core: Core, livestreamId: string): Promise<{ filename: string, csv: string }> {
  const stream = await findLivestream(core, livestreamId)
  const [lines, actions] = await Promise.all([everyLine(core, livestreamId), core.store.listModeration(livestreamId)])
  const rows = [
    ...lines.map(line => ({ at: line.createdAt, values: ['message', line.createdAt, line.displayName, line.userId, line.role, line.message, line.status ?? 'shown', '', line.id] })),
    ...actions.map(action => ({
      at: action.createdAt,
      values: ['action', action.createdAt, action.moderatorName, action.moderatorId, 'moderator', action.action, action.targetName ?? '', [action.until ? `until ${action.until}` : '', action.details ? JSON.stringify(action.details) : ''].filter(Boolean).join(' '), action.messageId ?? ''],
    })),
  ].sort((a, b) => a.at.localeCompare(b.at))
  const header = ['kind', 'time', 'name', 'user id', 'role', 'message or action', 'status or target', 'details', 'message id']
  return { filename: csvName(stream.title, 'chat'), csv: toCsv(header, rows.map(entry => entry.values)) }
}
