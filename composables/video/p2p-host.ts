import type { Quality } from '#shared/types/models'
import { QUALITY_PRESETS } from '#shared/utils/quality'
import { uploadChunkTo, useRecorder } from '../useRecorder'
import { createP2pSender } from './p2p-sender'
import type { HostVideo, HostVideoOptions, RecordingStatus } from './types'

/**
 * Connections the studio keeps made ahead: as many as customers who open the page in the same
 * moment (a show's link shared, its start announced) find their offer waiting. Each costs the host
 * an idle connection (no encoding until a customer answers it).
 */
const P2P_SPARES = 3

/**
 * The host's side in p2p: a connection per customer (p2p-sender.ts), and the replay recorded in
 * this tab and uploaded in parts as it goes (useRecorder), joined by the server when the show ends.
 */
export function createP2pHost({ socket, iceServers, livestreamId, state }: HostVideoOptions): HostVideo {
  const sender = createP2pSender({ socket, iceServers, quality: '720p', state, spares: P2P_SPARES })
  const recorder = useRecorder(uploadChunkTo(livestreamId))
  const recordingStatus = () => $fetch<RecordingStatus>(`/api/livestreams/${livestreamId}/recording`)
  const bitrateOf = (quality: Quality) => QUALITY_PRESETS[quality].videoBitsPerSecond

  return {
    carriedByServer: false,
    recorder,
    open: () => sender.open(),
    socketOpened: () => sender.sending() && sender.startSending(),
    serverLostMedia: () => {},
    async start(stream, quality) {
      // A tab that takes over continues the recording after the parts the server already holds.
      const kept = await recordingStatus()
      sender.setQuality(quality)
      sender.setMedia(stream)
      sender.startSending()
      recorder.start(stream, { fromSeq: kept.nextSeq, videoBitsPerSecond: bitrateOf(quality) })
    },
    setMedia(stream, quality) {
      sender.setMedia(stream)
      void recorder.switchTo(stream, bitrateOf(quality))
    },
    setQuality: quality => sender.setQuality(quality),
    async stop() {
      sender.stopSending()
      await recorder.stop()
    },
    recordingKept: recordingStatus,
    async saveReplay() {
      await recorder.drained()
      if (!(await recordingStatus()).chunks) return null
      const { videoUrl } = await $fetch<{ videoUrl: string }>(`/api/livestreams/${livestreamId}/recording/finalize`, { method: 'POST' })
      return videoUrl
    },
    stats: () => Promise.resolve(null),
    close() {
      sender.stopSending()
      sender.close()
    },
  }
}
