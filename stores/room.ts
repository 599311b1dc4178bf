import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ChatMessage, ChatSettings, Livestream } from '#shared/types/models'
import type { LiveSocket } from '../composables/useLiveSocket'

/** Chat lines kept on screen: a long show must not grow the page without end. */
const CHAT_KEPT = 300

/**
 * One livestream's room as the socket tells it, for the studio and the customer alike: the
 * stream (status, counters, pinned products) and the chat.
 */
export const useRoomStore = defineStore('room', () => {
  const livestream = ref<Livestream | null>(null)
  const chat = ref<ChatMessage[]>([])
  const chatNotice = ref<string | null>(null)
  /** Whether the host's media flows now (relay and janus modes: from the studio or an encoder). */
  const mediaPublishing = ref(false)
  /** The show's chat rules as the socket last said (customers get them without the blocked words). */
  const chatSettings = ref<ChatSettings>({ slowModeSeconds: 0, blockedWords: [], holdLinks: false })
  const pinnedProducts = computed(() => livestream.value?.pinnedProducts ?? [])
  let unsubscribe: Array<() => void> = []

  function set(stream: Livestream) {
    livestream.value = stream
  }

  function patch(id: string, fields: Partial<Livestream>) {
    if (livestream.value?.id === id) livestream.value = { ...livestream.value, ...fields }
  }

  function addChat(lines: ChatMessage[]) {
    const known = new Set(chat.value.map(line => line.id))
    const fresh = lines.filter(line => !known.has(line.id))
    if (fresh.length) chat.value = [...chat.value, ...fresh].slice(-CHAT_KEPT)
  }

  function attach(socket: LiveSocket) {
    detach()
    unsubscribe = [
      socket.on('registered', message => set(message.livestream)),
      socket.on('chat_history', message => addChat(message.items)),
      socket.on('chat_message', ({ type: _type, ...line }) => addChat([line])),
      // A moderator removed a line: it goes from every screen at once.
      socket.on('chat_deleted', ({ messageId }) => (chat.value = chat.value.filter(line => line.id !== messageId))),
      socket.on('chat_settings_updated', ({ type: _type, livestreamId: _id, ...settings }) => (chatSettings.value = settings)),
      // Our own line waits for review (moderators hear of it in the moderation store).
      socket.on('chat_held', ({ message }) => {
        if (message.clientId && sentClientIds.has(message.clientId)) chatNotice.value = 'Your message has a link: it will show once a moderator has looked at it.'
      }),
      socket.on('stream_update', ({ type: _type, livestreamId, ...counters }) => patch(livestreamId, counters)),
      socket.on('pinned_products_updated', message => patch(message.livestreamId, { pinnedProducts: message.pinnedProducts })),
      socket.on('media_state', message => message.livestreamId === livestream.value?.id && (mediaPublishing.value = message.publishing)),
      // Fields, replay or thumbnail changed: the ended page turns to the replay when it lands.
      socket.on('livestream_updated', message => patch(message.livestream.id, message.livestream)),
      socket.on('stream_started', message => patch(message.livestreamId, {
        status: 'live', startTime: livestream.value?.startTime ?? new Date().toISOString(),
      })),
      socket.on('stream_stopped', message => patch(message.livestreamId, {
        status: 'ended', endTime: livestream.value?.endTime ?? new Date().toISOString(),
      })),
      socket.on('error', (message) => {
        if (message.ref === 'chat_message') chatNotice.value = message.code === 'RATE_LIMITED' ? `Easy there! ${message.message}.` : message.message
      }),
    ]
    return detach
  }

  function detach() {
    unsubscribe.forEach(stop => stop())
    unsubscribe = []
  }

  /** What this page sent, to know its own lines when the server holds one. */
  const sentClientIds = new Set<string>()

  function sendChat(socket: LiveSocket, message: string): boolean {
    chatNotice.value = null
    const clientId = crypto.randomUUID()
    sentClientIds.add(clientId)
    const sent = socket.send({ type: 'chat_message', message, clientId })
    if (!sent) chatNotice.value = 'Reconnecting… your message was not sent.'
    return sent
  }

  function reset() {
    detach()
    livestream.value = null
    chat.value = []
    chatNotice.value = null
    mediaPublishing.value = false
    chatSettings.value = { slowModeSeconds: 0, blockedWords: [], holdLinks: false }
  }

  return { livestream, chat, chatNotice, chatSettings, mediaPublishing, pinnedProducts, set, patch, attach, detach, sendChat, reset }
})
