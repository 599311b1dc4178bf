/** The largest frame a client may send; a larger one closes the socket with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024
/** Frames per socket: a burst, then a steady rate; beyond that the socket is closed with 1008. */
export const FLOOD_LIMIT = { burst: 60, perSecond: 30 }
/** Protocol-level pings every NUXT_WS_HEARTBEAT_MS (30 s); a socket that answers none by the next is dropped. */
export const heartbeatMs = () => Number(process.env.NUXT_WS_HEARTBEAT_MS) || 30_000
