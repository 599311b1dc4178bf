import type { MediaInfo } from '#shared/types/models'
import { createP2pViewer } from './p2p-viewer'
import type { ViewerVideo, ViewerVideoOptions } from './types'
import { createWhepViewer } from './whep-viewer'

/**
 * The customer's video for a show, picked once from its `media` answer: WHEP from the server in
 * relay and janus modes (with the HLS stand-in where the server packages one), else the studio's
 * own connection (p2p). The addresses are taken as paths on this page's origin (the embed's too),
 * so their pictures may be read back.
 */
export function createViewerVideo(media: MediaInfo | undefined, options: ViewerVideoOptions): ViewerVideo {
  if (!media || media.mode === 'p2p' || !media.whepUrl) return createP2pViewer(options)
  return createWhepViewer({
    ...options,
    url: new URL(media.whepUrl).pathname,
    hlsUrl: media.hlsUrl ? new URL(media.hlsUrl).pathname : undefined,
  })
}
