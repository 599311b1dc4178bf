import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { withStartBitrate } from '../../utils/start-bitrate'

// An answer as Chromium 156 writes it (tests/fixtures): VP8 with no fmtp line, H264, AV1 and VP9
// with one each, their rtx twins, red and ulpfec, then the audio section.
const answer = readFileSync(join(__dirname, '../fixtures/chromium-answer.sdp'), 'utf8')
const lines = (sdp: string) => sdp.split('\r\n')
const fmtpOf = (sdp: string, payload: number) => lines(sdp).filter(line => line.startsWith(`a=fmtp:${payload} `))

describe('withStartBitrate', () => {
  const munged = withStartBitrate(answer, 1000)

  it('gives VP8, which had no fmtp line, one with the start bitrate right after its rtpmap', () => {
    expect(fmtpOf(answer, 96)).toEqual([])
    const at = lines(munged).indexOf('a=rtpmap:96 VP8/90000')
    expect(lines(munged)[at + 1]).toBe('a=fmtp:96 x-google-start-bitrate=1000')
  })

  it('adds the start bitrate to the other video codecs, and nothing else changes', () => {
    expect(fmtpOf(munged, 102)).toEqual(['a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f;x-google-start-bitrate=1000'])
    expect(fmtpOf(munged, 98)).toEqual(['a=fmtp:98 profile-id=0;x-google-start-bitrate=1000'])
    expect(fmtpOf(munged, 45)).toEqual(['a=fmtp:45 level-idx=5;profile=0;tier=0;x-google-start-bitrate=1000'])
    // rtx, red, ulpfec and every audio line are left alone; only VP8's new line is added.
    expect(fmtpOf(munged, 97)).toEqual(['a=fmtp:97 apt=96'])
    expect(fmtpOf(munged, 111)).toEqual(['a=fmtp:111 minptime=10;useinbandfec=1'])
    const without = lines(munged).map(line => line.replace(/;?x-google-start-bitrate=1000$/, '')).filter(line => line !== 'a=fmtp:96 ')
    expect(without).toEqual(lines(answer))
    expect(munged.endsWith('\r\n')).toBe(true)
  })

  it('is idempotent: an answer applied again keeps one start bitrate per codec', () => {
    expect(withStartBitrate(munged, 1000)).toBe(munged)
  })
})
