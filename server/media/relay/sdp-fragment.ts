/** What a WHIP/WHEP PATCH carries (RFC 8840 "trickle-ice-sdpfrag"): ICE credentials and candidates by media. */
export interface IceFragment {
  ufrag?: string
  pwd?: string
  candidates: { candidate: string, sdpMid?: string, sdpMLineIndex?: number }[]
  endOfCandidates: boolean
}

const LINE_LIMIT = 200

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
    else if (line.startsWith('a=mid:')) mid = line.slice(6)
    else if (line.startsWith('a=ice-ufrag:')) fragment.ufrag = line.slice(12)
    else if (line.startsWith('a=ice-pwd:')) fragment.pwd = line.slice(10)
    else if (line.startsWith('a=candidate:')) fragment.candidates.push({ candidate: line.slice(2), sdpMid: mid, sdpMLineIndex: Math.max(0, index) })
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
