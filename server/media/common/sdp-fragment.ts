/** What a WHIP/WHEP PATCH carries (RFC 8840 "trickle-ice-sdpfrag"): ICE credentials and candidates by media. */
export interface IceFragment {
  ufrag?: string
  pwd?: string
  candidates: { candidate: string, sdpMid?: string, sdpMLineIndex?: number }[]
  endOfCandidates: boolean
}

const LINE_LIMIT = 200
/** RFC 8839: ice-char is ALPHA / DIGIT / "+" / "/"; a ufrag is 4-256 of them, a pwd 22-256. */
const UFRAG = /^[A-Za-z0-9+/]{4,256}$/
const PWD = /^[A-Za-z0-9+/]{22,256}$/
/** RFC 8839's candidate-attribute: foundation, component, transport, priority, address, port, typ and extensions. */
const CANDIDATE = /^candidate:[A-Za-z0-9+/]{1,32} \d{1,3} [A-Za-z]{3,8} \d{1,10} [\w.:-]{1,255} \d{1,5} typ [a-z]{4,8}( [\x21-\x7E]{1,255})*$/
const MID = /^[\w.~!#$%&'*+^`{|}-]{1,32}$/

/** Parses an SDP fragment; refuses (null) anything that is not one. */
export function parseIceFragment(text: string): IceFragment | null {
  const lines = text.split(/\r?\n/).map(line => line.trim()).filter(Boolean)
  if (lines.length > LINE_LIMIT) return null
  const fragment: IceFragment = { candidates: [], endOfCandidates: false }
  let mid: string | undefined
  let index = -1
  for (const line of lines) {
    if (line.startsWith('m=')) {
      index++
      mid = undefined
    }
    else if (line.startsWith('a=mid:')) {
      mid = line.slice(6)
      if (!MID.test(mid)) return null
    }
    else if (line.startsWith('a=ice-ufrag:')) {
      fragment.ufrag = line.slice(12)
      if (!UFRAG.test(fragment.ufrag)) return null
    }
    else if (line.startsWith('a=ice-pwd:')) {
      fragment.pwd = line.slice(10)
      if (!PWD.test(fragment.pwd)) return null
    }
    else if (line.startsWith('a=candidate:')) {
      if (!CANDIDATE.test(line.slice(2))) return null
      fragment.candidates.push({ candidate: line.slice(2), sdpMid: mid, sdpMLineIndex: Math.max(0, index) })
    }
    else if (line === 'a=end-of-candidates') fragment.endOfCandidates = true
    else if (!/^(a=[\w-]+(:.*)?)$/.test(line)) return null
  }
  return fragment
}

/** The server's side of an ICE restart, as the 200 answer to a PATCH carries it. */
export function iceFragmentOf(sdp: string): string {
  const wanted = sdp.split(/\r?\n/).filter(line => /^a=(ice-ufrag|ice-pwd|candidate|end-of-candidates|group:BUNDLE|mid)/.test(line) || line.startsWith('m='))
  return `${wanted.join('\r\n')}\r\n`
}
