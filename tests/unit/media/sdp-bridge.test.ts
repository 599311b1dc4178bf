// The WHEP bridge for Janus: both sides offer, and each gets an answer built from the other's offer.
import { describe, expect, it } from 'vitest'
import { answerForJanus, answerForViewer, parseSdp, payloadTypesFor } from '../../../server/media/janus/sdp-bridge'

const viewerOffer = parseSdp([
  'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102', 'c=IN IP4 0.0.0.0', 'a=mid:0', 'a=recvonly', 'a=rtcp-mux',
  'a=ice-ufrag:VIEW', 'a=ice-pwd:viewerpassword0000000000', 'a=fingerprint:sha-256 AA:BB', 'a=setup:actpass',
  'a=rtpmap:96 VP8/90000', 'a=rtcp-fb:96 nack', 'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96',
  'a=rtpmap:102 H264/90000', 'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  'a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=mid:1', 'a=recvonly', 'a=rtcp-mux',
  'a=ice-ufrag:VIEW', 'a=ice-pwd:viewerpassword0000000000', 'a=fingerprint:sha-256 AA:BB', 'a=setup:actpass', 'a=rtpmap:111 opus/48000/2',
].join('\r\n'))

const janusOffer = parseSdp([
  'v=0', 'o=- 99 1 IN IP4 127.0.0.1', 's=Mountpoint 1', 't=0 0', 'a=group:BUNDLE v a', 'a=fingerprint:sha-256 CC:DD',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97', 'c=IN IP4 127.0.0.1', 'a=sendonly', 'a=mid:v', 'a=rtcp-mux', 'a=ice-ufrag:JANU', 'a=ice-pwd:januspassword', 'a=setup:actpass',
  'a=rtpmap:96 VP8/90000', 'a=rtcp-fb:96 nack', 'a=rtcp-fb:96 transport-cc', 'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96', 'a=ssrc-group:FID 11 22', 'a=msid:janus janusv', 'a=ssrc:11 cname:janus', 'a=ssrc:22 cname:janus',
  'a=candidate:1 1 udp 2015363327 127.0.0.1 40000 typ host', 'a=end-of-candidates',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 127.0.0.1', 'a=sendonly', 'a=mid:a', 'a=rtcp-mux', 'a=ice-ufrag:JANU', 'a=ice-pwd:januspassword', 'a=setup:actpass',
  'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1', 'a=msid:janus janusa', 'a=ssrc:33 cname:janus',
  'a=candidate:1 1 udp 2015363327 127.0.0.1 40000 typ host', 'a=end-of-candidates',
].join('\r\n'))

describe('the WHEP bridge for Janus', () => {
  it('makes the mountpoint with the payload types the viewer\'s offer uses', () => {
    expect(payloadTypesFor(viewerOffer, 'vp8')).toEqual({ video: 96, audio: 111 })
    expect(payloadTypesFor(viewerOffer, 'h264')).toEqual({ video: 102, audio: 111 })
    expect(payloadTypesFor(viewerOffer, 'av1')).toEqual({ video: undefined, audio: 111 })
  })

  it('answers the viewer with Janus\'s transport, codec and stream under the viewer\'s mids, Janus listening for DTLS', () => {
    const answer = answerForViewer(viewerOffer, janusOffer)
    expect(answer).toContain('a=group:BUNDLE 0 1')
    expect(answer).toContain('m=video 9 UDP/TLS/RTP/SAVPF 96\r\n')
    expect(answer).toContain('a=mid:0\r\na=sendonly')
    expect(answer).toContain('a=ice-ufrag:JANU')
    expect(answer).toContain('a=fingerprint:sha-256 CC:DD')
    expect(answer).toContain('a=setup:passive')
    expect(answer).toContain('a=ssrc:11 cname:janus')
    expect(answer).toContain('a=candidate:1 1 udp 2015363327 127.0.0.1 40000 typ host')
    expect(answer).toContain('a=fmtp:111 minptime=10;useinbandfec=1')
    // Nothing Janus would send differently from what the answer says: no RTX, no header extensions.
    expect(answer).not.toMatch(/rtx|extmap|transport-cc|ssrc:22/)
  })

  it('answers Janus with the viewer\'s transport, receiving on Janus\'s mids, the viewer connecting', () => {
    const answer = answerForJanus(janusOffer, viewerOffer)
    expect(answer).toContain('a=group:BUNDLE v a')
    expect(answer).toContain('a=mid:v\r\na=recvonly')
    expect(answer).toContain('a=ice-ufrag:VIEW')
    expect(answer).toContain('a=fingerprint:sha-256 AA:BB')
    expect(answer).toContain('a=setup:active')
    expect(answer).toContain('a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host')
    expect(answer).not.toMatch(/rtx|extmap/)
  })

  it('refuses a kind the other side lacks, and a codec the viewer does not take', () => {
    const audioOnly = parseSdp(janusOffer.session.join('\r\n') + '\r\n' + ['m=audio 9 UDP/TLS/RTP/SAVPF 111', ...janusOffer.media[1]!.lines].join('\r\n'))
    const answer = answerForViewer(viewerOffer, audioOnly)
    expect(answer).toContain('m=video 0 UDP/TLS/RTP/SAVPF 0')
    expect(answer).toContain('a=group:BUNDLE 1\r\n')
    // A mountpoint whose VP8 is on another payload type than the viewer's: refused rather than sent undecodable.
    const janusText = [...janusOffer.session, ...janusOffer.media.flatMap(section => [`m=${section.kind} 9 UDP/TLS/RTP/SAVPF ${section.formats.join(' ')}`, ...section.lines])].join('\r\n')
    const otherPt = parseSdp(janusText.replace('SAVPF 96 97', 'SAVPF 100 97').replace('a=rtpmap:96 VP8', 'a=rtpmap:100 VP8'))
    expect(answerForViewer(viewerOffer, otherPt)).toContain('m=video 0 ')
  })
})
