import { z } from 'zod'
import { Email } from './common'

/** "Remind me" (PROTOCOL.md, "Sharing, search and reminders"): the address, and the language of the mails. */
export const ReminderBody = z.object({
  email: Email,
  locale: z.string().trim().max(35).optional(),
})

/** The secret of a reminder's links (see server/domain/reminders.ts). */
export const ReminderTokenQuery = z.object({ token: z.string().trim().min(1).max(64) })
