import { describe, expect, it } from 'vitest'
import { parseIceFragment } from '../../../server/media/common/sdp-fragment'

describe('ICE fragments of a WHIP/WHEP PATCH (RFC 8840)', () => {
  it('reads credentials and candidates by media section', () => {
    const fragment = parseIceFragment('a=ice-ufrag:EsAw\r\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw\r\na=end-of-candidates\r\n')
    expect(fragment).toEqual({
      ufrag: 'EsAw', pwd: 'P2uYro0UCOQ4zxjKXaWCBui1', endOfCandidates: true,
      candidates: [{ candidate: 'candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw', sdpMid: '0', sdpMLineIndex: 0 }],
    })
  })

  it('refuses credentials and candidates outside the grammar: what a replacement string would expand, too short, too long', () => {
    for (const text of [
      'a=ice-ufrag:$`y\r\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n',
      'a=ice-ufrag:EsAw\r\na=ice-pwd:$\'$\'$\'$\'$\'$\'$\'$\'$\'$\'$\'$\'\r\n',
      'a=ice-ufrag:abc\r\n',
      `a=ice-ufrag:${'a'.repeat(257)}\r\n`,
      'a=ice-pwd:tooshort\r\n',
      'a=candidate:1 1 udp 1 $& 9 typ host\r\n',
      'a=candidate:garbage\r\n',
      `a=mid:${'m'.repeat(40)}\r\n`,
      'hello\r\n',
    ]) expect(parseIceFragment(text), text).toBeNull()
  })
})
