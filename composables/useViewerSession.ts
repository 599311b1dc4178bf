import { computed, readonly, ref, watch } from 'vue'
import type { Deal, Livestream, MediaInfo, Product, ProductVariant } from '#shared/types/models'
import { useCartStore } from '../stores/cart'
import { useDealsStore } from '../stores/deals'
import { useRoomStore } from '../stores/room'
import { useSessionStore } from '../stores/session'
import { useVideoStore } from '../stores/video'
import { apiErrorMessage } from '../utils/api-error'
import { takeEarlyP2p } from '../utils/early-p2p'
import { viewerSessionId } from '../utils/viewer-session'
import { useLiveSocket } from './useLiveSocket'
import { useDelayed } from './useDelayed'
import { useOnAir } from './useOnAir'
import { createViewerVideo } from './video/viewer-video'

/** Hearts tapped within this window go to the server as one request with a count. */
const HEART_BATCH_MS = 400

export type NameReason = 'chat' | 'heart' | 'checkout'

/**
 * The customer's page state and what the customer can do, wired together: the socket (register in
 * the room, again after every reconnect), the video, hearts, chat, the cart, and the turn to the
 * replay when it is saved (`livestream_updated`). Nothing happens until `open` (on mount).
 */
export function useViewerSession(initial: Livestream, iceServers: RTCIceServer[], media?: MediaInfo) {
  const id = initial.id
  const room = useRoomStore()
  const picture = useVideoStore()
  const session = useSessionStore()
  const cart = useCartStore()
  const deals = useDealsStore()
  const socket = useLiveSocket(undefined, { immediate: false })
  const video = createViewerVideo(media, { socket, iceServers, picture })
  const onAir = useOnAir(socket, id)
  const livestream = computed(() => room.livestream ?? initial)
  const heartNotice = ref<string | null>(null)
  const needsName = ref<NameReason | null>(null)
  /** A line typed before the customer had a name: sent once the socket knows them. */
  let pendingChat: string | null = null
  let unsentHearts = 0
  let videoLagMs = 0
  const pinnedProducts = useDelayed(() => room.pinnedProducts, () => videoLagMs)
  let heartTimer: ReturnType<typeof setTimeout> | undefined

  /** Wires the parts together and connects: call once the page is on screen. */
  function open() {
    room.reset()
    room.set(initial)
    cart.restore()
    room.attach(socket)
    deals.reset()
    deals.attach(socket)
    onAir.open()
    // The page's inline script may have opened the socket and the studio's connection (p2p).
    const early = takeEarlyP2p(id)
    video.open({ live: initial.status === 'live', early })
    socket.onOpen(() => socket.send({ type: 'register', livestreamId: id, sessionId: viewerSessionId() }))
    socket.on('registered', (message) => {
      // Again after each reconnect: deals may have started or ended while the socket was down.
      deals.load(id).catch(() => {})
      void onAir.load()
      if (message.livestream.status === 'live') video.start()
      if (pendingChat && session.user) room.sendChat(socket, pendingChat)
      pendingChat = null
    })
    watch(() => room.pinnedProducts, products => cart.refresh(products))
    if (early) socket.adopt(early.socket, early.heard)
    else socket.open()
  }

  /** Signs in as a guest under `displayName`, then reconnects so the socket knows who this is. */
  async function join(displayName: string) {
    await session.joinAsGuest(displayName)
    socket.reconnect()
    needsName.value = null
  }

  function sendChat(text: string) {
    if (!session.user) {
      pendingChat = text
      needsName.value = 'chat'
      return
    }
    room.sendChat(socket, text)
  }

  /** A tap shows at once; the taps of a moment go to the server as one like with a count. */
  function heart() {
    if (!session.user) {
      needsName.value = 'heart'
      return false
    }
    unsentHearts = Math.min(50, unsentHearts + 1)
    clearTimeout(heartTimer)
    heartTimer = setTimeout(sendHearts, HEART_BATCH_MS)
    return true
  }

  async function sendHearts() {
    const count = unsentHearts
    unsentHearts = 0
    heartNotice.value = null
    try {
      const { likes } = await $fetch<{ likes: number }>(`/api/livestreams/${id}/like`, { method: 'POST', body: { count } })
      room.patch(id, { likes: Math.max(likes, livestream.value.likes) })
    }
    catch (error) {
      const status = (error as { statusCode?: number }).statusCode
      heartNotice.value = status === 429 ? 'So much love! Give it a second.' : apiErrorMessage(error)
    }
  }

  function close() {
    clearTimeout(heartTimer)
    video.close()
    deals.detach()
    onAir.close()
    room.detach()
    socket.close()
  }

  return {
    livestream,
    heartNotice: readonly(heartNotice),
    needsName: readonly(needsName),
    video: computed(() => ({ stream: picture.stream, state: picture.state, hlsUrl: picture.hlsUrl })),
    /** How far behind the live moment the picture is (HLS): pins wait as long, so they appear with the video. */
    setVideoLag: (ms: number) => (videoLagMs = ms),
    chat: computed(() => room.chat),
    chatNotice: computed(() => room.chatNotice),
    pinnedProducts,
    socketStatus: socket.status,
    user: computed(() => session.user),
    cartCount: computed(() => cart.count),
    addToCart: (product: Product, deal?: Deal, variant?: ProductVariant) => cart.add(product, deal, variant),
    /** The newest deal on each product (open, sold out or ended), and whether it can be bought now. */
    dealOf: (productId: string) => deals.latestFor(productId),
    dealOpen: (productId: string) => !!deals.openFor(productId),
    onAir,
    open,
    close,
    join,
    sendChat,
    heart,
    askName: (reason: NameReason) => (needsName.value = reason),
    cancelName: () => (needsName.value = null),
  }
}
