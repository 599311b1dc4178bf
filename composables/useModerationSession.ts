import { computed } from 'vue'
import type { ChatSettings, Livestream } from '#shared/types/models'
import { useModerationStore } from '../stores/moderation'
import { useRoomStore } from '../stores/room'
import { apiErrorMessage } from '../utils/api-error'
import { viewerSessionId } from '../utils/viewer-session'
import { useLiveSocket } from './useLiveSocket'
import { useOnAir } from './useOnAir'

/** How often expired pauses leave the list (no frame says a pause ran out). */
const PRUNE_EVERY_MS = 5000

/**
 * The moderation view of one show: the room's socket (a moderator registers like a viewer), its
 * chat, and the moderation store loaded again after each registration so a reconnect misses
 * nothing. Nothing happens until `open` (on mount).
 */
export function useModerationSession(initial: Livestream) {
  const id = initial.id
  const room = useRoomStore()
  const moderation = useModerationStore()
  const socket = useLiveSocket(undefined, { immediate: false })
  const onAir = useOnAir(socket, id)
  let pruneTimer: ReturnType<typeof setInterval> | undefined

  function open() {
    room.reset()
    room.set(initial)
    moderation.reset()
    room.attach(socket)
    moderation.attach(socket)
    onAir.open()
    socket.onOpen(() => socket.send({ type: 'register', livestreamId: id, sessionId: viewerSessionId() }))
    socket.on('registered', () => {
      moderation.load(id).catch(error => (moderation.problem = apiErrorMessage(error)))
      void onAir.load()
    })
    pruneTimer = setInterval(() => moderation.prune(), PRUNE_EVERY_MS)
    socket.open()
  }

  function close() {
    clearInterval(pruneTimer)
    moderation.detach()
    onAir.close()
    room.detach()
    socket.close()
  }

  return {
    livestream: computed(() => room.livestream ?? initial),
    chat: computed(() => room.chat),
    chatNotice: computed(() => room.chatNotice),
    held: computed(() => moderation.held),
    bans: computed(() => moderation.bans),
    restricted: computed(() => moderation.restricted),
    actions: computed(() => moderation.actions),
    settings: computed(() => moderation.settings),
    problem: computed(() => moderation.problem),
    socketStatus: socket.status,
    onAir,
    open,
    close,
    sendChat: (text: string) => room.sendChat(socket, text),
    remove: (messageId: string) => moderation.remove(socket, messageId),
    release: (messageId: string) => moderation.release(socket, messageId),
    timeout: (userId: string, seconds: number) => moderation.timeout(socket, userId, seconds),
    ban: (userId: string) => moderation.ban(socket, userId),
    unban: (userId: string) => moderation.unban(socket, userId),
    saveSettings: (change: ChatSettings) => moderation.saveSettings(socket, change),
  }
}
