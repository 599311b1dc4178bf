import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ChatMessage, ChatSettings, ModerationEntry, Restriction } from '#shared/types/models'
import type { ClientMessage } from '#shared/schemas/socket'
import type { LiveSocket } from '../composables/useLiveSocket'

/** Pauses a moderator picks from, in seconds (PROTOCOL.md allows 10 s to a day). */
export const TIMEOUTS = [
  { seconds: 60, label: '1 min' },
  { seconds: 600, label: '10 min' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
] as const

interface ModerationState { actions: ModerationEntry[], held: ChatMessage[], bans: Restriction[], settings: ChatSettings }

/**
 * A show's moderation for its admins and moderators: the lines waiting for review, who is banned
 * or paused, the chat rules and the record of actions. Loaded once from GET /moderation, then kept
 * current by the room's socket (chat_held, moderation_action, chat_settings_updated), so two
 * moderators on two phones see each other's actions at once.
 */
export const useModerationStore = defineStore('moderation', () => {
  const livestreamId = ref<string | null>(null)
  const held = ref<ChatMessage[]>([])
  const bans = ref<Restriction[]>([])
  const actions = ref<ModerationEntry[]>([])
  const settings = ref<ChatSettings>({ slowModeSeconds: 0, blockedWords: [], holdLinks: false })
  /** The last refusal the server sent for one of our actions. */
  const problem = ref<string | null>(null)
  const restricted = computed(() => new Set(bans.value.map(ban => ban.user.id)))
  let unsubscribe: Array<() => void> = []

  async function load(id: string) {
    livestreamId.value = id
    const state = await $fetch<ModerationState>(`/api/livestreams/${id}/moderation`)
    held.value = state.held
    bans.value = state.bans
    actions.value = state.actions
    settings.value = state.settings
  }

  const dropHeld = (messageId?: string) => (held.value = held.value.filter(line => line.id !== messageId))

  /** What an action does to the lists; the room's own frames (chat_deleted, chat_message) do the rest. */
  function apply(entry: ModerationEntry) {
    if (actions.value.some(known => known.id === entry.id)) return
    actions.value = [...actions.value, entry]
    if (entry.action === 'release' || entry.action === 'delete') dropHeld(entry.messageId)
    if (!entry.target) return
    const target = entry.target
    if (entry.action === 'unban') bans.value = bans.value.filter(ban => ban.user.id !== target.id)
    if (entry.action === 'ban' || entry.action === 'timeout') {
      const restriction: Restriction = { user: target, kind: entry.action, ...(entry.until ? { until: entry.until } : {}), by: entry.moderator, at: entry.createdAt }
      bans.value = [...bans.value.filter(ban => ban.user.id !== target.id), restriction]
      if (entry.action === 'ban') held.value = held.value.filter(line => line.user.id !== target.id)
    }
  }

  function attach(socket: LiveSocket) {
    detach()
    unsubscribe = [
      socket.on('chat_held', ({ message }) => {
        if (!held.value.some(line => line.id === message.id)) held.value = [...held.value, message]
      }),
      socket.on('moderation_action', ({ action }) => apply(action)),
      socket.on('chat_settings_updated', ({ type: _type, livestreamId: _id, ...next }) => (settings.value = next)),
      socket.on('chat_deleted', ({ messageId }) => dropHeld(messageId)),
      socket.on('error', (message) => {
        if (message.ref && ACTIONS.has(message.ref)) problem.value = message.message
      }),
    ]
    return detach
  }

  function detach() {
    unsubscribe.forEach(stop => stop())
    unsubscribe = []
  }

  function act(socket: LiveSocket, message: ClientMessage & { type: ModerationType }) {
    problem.value = null
    if (!socket.send(message)) problem.value = 'Reconnecting… try again in a moment.'
  }

  // A pause or a ban that expired leaves the list without a frame to say so.
  function prune(now = Date.now()) {
    bans.value = bans.value.filter(ban => !ban.until || Date.parse(ban.until) > now)
  }

  function reset() {
    detach()
    livestreamId.value = null
    held.value = []
    bans.value = []
    actions.value = []
    problem.value = null
  }

  return {
    livestreamId, held, bans, actions, settings, problem, restricted, load, attach, detach, prune, reset,
    remove: (socket: LiveSocket, messageId: string) => act(socket, { type: 'chat_delete', messageId }),
    release: (socket: LiveSocket, messageId: string) => act(socket, { type: 'chat_release', messageId }),
    timeout: (socket: LiveSocket, userId: string, seconds: number) => act(socket, { type: 'mod_timeout', userId, seconds }),
    ban: (socket: LiveSocket, userId: string) => act(socket, { type: 'mod_ban', userId }),
    unban: (socket: LiveSocket, userId: string) => act(socket, { type: 'mod_unban', userId }),
    saveSettings: (socket: LiveSocket, change: Partial<ChatSettings>) => act(socket, { type: 'chat_settings', ...change }),
  }
})

type ModerationType = 'chat_delete' | 'chat_release' | 'mod_timeout' | 'mod_ban' | 'mod_unban' | 'chat_settings'
const ACTIONS = new Set<string>(['chat_delete', 'chat_release', 'mod_timeout', 'mod_ban', 'mod_unban', 'chat_settings'])
