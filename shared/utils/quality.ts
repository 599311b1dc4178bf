import type { Quality } from '../types/models'

/**
 * What each quality preset means for the camera (getUserMedia constraints), for every viewer's
 * sender (a bitrate cap) and for the recording. One table, so the three can never disagree.
 */
export const QUALITY_PRESETS: Record<Quality, { width: number, height: number, frameRate: number, videoBitsPerSecond: number }> = {
  '480p': { width: 854, height: 480, frameRate: 30, videoBitsPerSecond: 1_000_000 },
  '720p': { width: 1280, height: 720, frameRate: 30, videoBitsPerSecond: 2_500_000 },
  '1080p': { width: 1920, height: 1080, frameRate: 30, videoBitsPerSecond: 4_500_000 },
}

/** Camera constraints for a preset: `ideal`, so a smaller camera still works at its best size. */
// Spelled out rather than DOM's MediaTrackConstraints: shared/ is also compiled for the server.
interface VideoConstraints {
  width: { ideal: number }
  height: { ideal: number }
  frameRate: { ideal: number }
  deviceId?: { exact: string }
}

export function videoConstraints(quality: Quality, deviceId?: string): VideoConstraints {
  const preset = QUALITY_PRESETS[quality]
  return {
    width: { ideal: preset.width },
    height: { ideal: preset.height },
    frameRate: { ideal: preset.frameRate },
    ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  }
}
