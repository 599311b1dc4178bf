/** The largest frame a client may send; a larger one closes the socket with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024
/** Frames per socket: a burst, then a steady rate; beyond that the socket is closed with 1008. */
export const FLOOD_LIMIT = { burst: 60, perSecond: 30 }
/** Protocol-level pings; a socket that misses two in a row is dropped. */
export const HEARTBEAT_MS = 30_000
