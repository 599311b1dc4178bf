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

/** One simulcast layer the studio sends the relay (an RTCRtpEncodingParameters, spelled out for the server's compile). */
export interface SimulcastLayer { rid: 'l' | 'm' | 'h', scaleResolutionDownBy: number, maxBitrate: number }

/**
 * The three layers a studio publishes to the relay, each viewer getting the one its connection
 * carries: a quarter, a half and the whole picture. The top one is the preset's bitrate; the
 * others what their size needs (a 320x180 layer at 150 kbit/s is a phone on a poor network).
 */
export function simulcastLayers(quality: Quality): SimulcastLayer[] {
  const top = QUALITY_PRESETS[quality].videoBitsPerSecond
  return [
    { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: Math.round(top * 0.08) },
    { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: Math.round(top * 0.25) },
    { rid: 'h', scaleResolutionDownBy: 1, maxBitrate: top },
  ]
}

/**
 * Pixels a p2p studio encodes for its customers, per frame, all connections together: two 720p
 * pictures. The host's browser encodes once per customer (and once more for the recording), on
 * the host's own computer: six customers at 720p took 2.4 s of encoding a second on two cores,
 * and a seventh waited 1.2-1.4 s for the studio's offer (bench/README.md, sessions 17 and 18).
 */
const P2P_PIXEL_BUDGET = 2 * 1280 * 720

/** The sizes a p2p studio steps through (each a change every encoder makes, with a key frame). */
const P2P_SCALE_STEPS = [1, 1.5, 2, 3, 4]

/**
 * How much a p2p studio scales down each customer's picture when `connections` customers watch:
 * 1 (the preset's size) while their pictures fit the budget together, then the first step that
 * brings them within it (six at 720p: 2, 640x360). Steps, not a smooth curve: a change makes
 * every connection's encoder start again from a key frame, so it should be seldom.
 */
export function p2pScaleDown(quality: Quality, connections: number): number {
  return scaleStepWithin(quality, connections, P2P_PIXEL_BUDGET)
}

/** The first of P2P_SCALE_STEPS that brings `connections` pictures at the preset's size within `pixels` (the last one at most). */
function scaleStepWithin(quality: Quality, connections: number, pixels: number): number {
  const { width, height } = QUALITY_PRESETS[quality]
  const needed = Math.sqrt(width * height * connections / pixels)
  return P2P_SCALE_STEPS.find(step => step >= needed) ?? P2P_SCALE_STEPS.at(-1)!
}

/**
 * A new p2p customer's first picture, at most: 640x360. The first frame is a key frame, and a
 * browser's sender takes as long to start as that frame takes to encode and pace out: from
 * "connected" to the first decoded frame, two connections in one Chromium page took a median
 * 220-330 ms at 1280x720 and 85-95 ms at 640x360 (bench/README.md, session 19).
 */
const P2P_FIRST_PICTURE_PIXELS = 640 * 360

/**
 * How much a p2p studio scales down a new customer's picture until it is up and showing: the
 * first step that brings the preset within P2P_FIRST_PICTURE_PIXELS (720p: 2; 480p: 1.5).
 */
export function p2pFirstPictureScale(quality: Quality): number {
  return scaleStepWithin(quality, 1, P2P_FIRST_PICTURE_PIXELS)
}
