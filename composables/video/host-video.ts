import type { MediaInfo } from '#shared/types/models'
import { createP2pHost } from './p2p-host'
import type { HostVideo, HostVideoOptions } from './types'
import { createWhipHost } from './whip-host'

/**
 * The host's video for a show, picked once from its `media` answer: WHIP to the server in relay
 * and janus modes, else a connection per customer and the browser's recorder (p2p). The WHIP
 * address is taken as a path on this site (its host is as the server saw the page's own request).
 */
export function createHostVideo(media: MediaInfo | undefined, options: HostVideoOptions): HostVideo {
  if (!media || media.mode === 'p2p' || !media.whipUrl) return createP2pHost(options)
  return createWhipHost({ ...options, url: new URL(media.whipUrl).pathname })
}
