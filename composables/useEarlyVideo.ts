import type { Livestream, MediaInfo } from '#shared/types/models'
import { earlyP2pScript } from '../utils/early-p2p'
import { earlyWhepScript } from '../utils/early-whep'

/**
 * A live show's video starts from the HTML, before the app loads (PROTOCOL.md, "First frame"):
 * its WHEP session in relay or janus mode (utils/early-whep.ts), its socket and the studio's offer
 * in p2p (utils/early-p2p.ts). Server-side only: the script goes into the page's head.
 * `signedInKey`: the embedded player's token key; a frame holding one signs its own socket, so the
 * early p2p socket (anonymous) is not opened there.
 */
export function useEarlyVideo(livestream: Livestream | undefined, media: MediaInfo | null | undefined, { signedInKey }: { signedInKey?: string } = {}) {
  if (!import.meta.server || livestream?.status !== 'live' || !media) return
  const iceServers = useRuntimeConfig().public.iceServers as RTCIceServer[]
  const script = media.mode === 'p2p'
    ? earlyP2pScript(livestream.id, iceServers, signedInKey)
    : media.whepUrl ? earlyWhepScript(new URL(media.whepUrl).pathname, iceServers, !!media.hlsUrl) : null
  if (script) useHead({ script: [{ innerHTML: script, tagPosition: 'head' }] })
}
