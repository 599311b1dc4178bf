import type { Role } from '../types/models'

/** Admins and moderators: who may moderate a show's chat, and whom its rules and bans never hold. The one definition, for pages and server. */
export const isStaff = (role: Role | undefined) => role === 'admin' || role === 'moderator'
