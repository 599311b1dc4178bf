// WHEP has the viewer make the offer; Janus 1.1's Streaming plugin only makes offers ("watch"). The
// bridge answers each side's offer from the other's: the viewer gets Janus's ICE credentials,
// fingerprint and candidates in an answer to its own offer, and Janus gets the viewer's in an
// answer to Janus's. Both stay offerers (ICE's role conflict is resolved by the tie-breaker, as
// RFC 8445 7.3.1.1 has it), and DTLS roles are fixed here: the viewer connects (active), Janus
// listens. Media needs no rewriting because each mountpoint is made with the payload types the
// viewers' offers use (payloadTypesFor), and no header extensions or RTX are negotiated, so what
// Janus sends is exactly what the viewer's answer describes.

export interface MediaSection {
  kind: string
  /** 0 for a section the answer refused. */
  port: number
  /** The m= line's formats (payload types). */
  formats: string[]
  lines: string[]
}

export interface ParsedSdp {
  session: string[]
  media: MediaSection[]
}

export function parseSdp(sdp: string): ParsedSdp {
  const parsed: ParsedSdp = { session: [], media: [] }
  for (const line of sdp.split(/\r?\n/).map(text => text.trim()).filter(Boolean)) {
    const m = /^m=(\w+) (\d+) \S+ ?(.*)$/.exec(line)
    if (m) parsed.media.push({ kind: m[1]!, port: Number(m[2]), formats: m[3]!.split(' ').filter(Boolean), lines: [] })
    else if (parsed.media.length) parsed.media.at(-1)!.lines.push(line)
    else parsed.session.push(line)
  }
  return parsed
}

const attribute = (lines: string[], name: string) => lines.find(line => line.startsWith(`a=${name}:`))?.slice(name.length + 3)
const attributes = (lines: string[], name: string) => lines.filter(line => line.startsWith(`a=${name}:`)).map(line => line.slice(name.length + 3))

/** A section's attribute, or the session's (ICE credentials and fingerprints may be either). */
function either(sdp: ParsedSdp, section: MediaSection, name: string) {
  return attribute(section.lines, name) ?? attribute(sdp.session, name)
}

export interface Codec { payloadType: number, name: string, clockRate: number, channels?: number, fmtp?: string }

/** The codecs a section offers, in its order of preference. */
export function codecsOf(section: MediaSection): Codec[] {
  return section.formats.map((format) => {
    const rtpmap = attributes(section.lines, 'rtpmap').find(value => value.startsWith(`${format} `))
    const [name = '', clockRate = '0', channels] = rtpmap?.slice(format.length + 1).split('/') ?? []
    const fmtp = attributes(section.lines, 'fmtp').find(value => value.startsWith(`${format} `))?.slice(format.length + 1)
    return { payloadType: Number(format), name: name.toLowerCase(), clockRate: Number(clockRate), channels: channels ? Number(channels) : undefined, fmtp }
  }).filter(codec => codec.name && codec.name !== 'rtx' && codec.name !== 'red' && codec.name !== 'ulpfec')
}

/** H.264 as Janus forwards it: packetization mode 1, the constrained baseline profile browsers all decode. */
const h264Fits = (codec: Codec) => /packetization-mode=1/.test(codec.fmtp ?? '') && /profile-level-id=42e0/i.test(codec.fmtp ?? '')

/** The payload type a viewer's section uses for `name` (vp8, h264, opus), if it takes it. */
export function payloadTypeOf(section: MediaSection, name: string): number | undefined {
  const matching = codecsOf(section).filter(codec => codec.name === name)
  return (name === 'h264' ? matching.find(h264Fits) ?? matching[0] : matching[0])?.payloadType
}

/** The payload types a viewer's offer uses for the show's codecs: the mountpoint it gets is made with them. */
export function payloadTypesFor(offer: ParsedSdp, videoCodec: string): { video?: number, audio?: number } {
  const video = offer.media.find(section => section.kind === 'video')
  const audio = offer.media.find(section => section.kind === 'audio')
  return { video: video && payloadTypeOf(video, videoCodec), audio: audio && payloadTypeOf(audio, 'opus') }
}

const KEPT_FEEDBACK = new Set(['nack', 'nack pli', 'ccm fir'])

/** One answering section: the codec, its feedback and the answering side's transport. */
function answerSection(kind: string, mid: string, codec: Codec | undefined, transport: string[], direction: string, extra: string[] = []) {
  if (!codec) return [`m=${kind} 0 UDP/TLS/RTP/SAVPF 0`, 'c=IN IP4 0.0.0.0', `a=mid:${mid}`, 'a=inactive']
  const lines = [`m=${kind} 9 UDP/TLS/RTP/SAVPF ${codec.payloadType}`, 'c=IN IP4 0.0.0.0', `a=mid:${mid}`, `a=${direction}`, 'a=rtcp-mux', ...transport]
  lines.push(`a=rtpmap:${codec.payloadType} ${codec.name === 'opus' ? 'opus' : codec.name.toUpperCase()}/${codec.clockRate}${codec.channels ? `/${codec.channels}` : ''}`)
  if (codec.fmtp) lines.push(`a=fmtp:${codec.payloadType} ${codec.fmtp}`)
  if (kind === 'video') for (const feedback of KEPT_FEEDBACK) lines.push(`a=rtcp-fb:${codec.payloadType} ${feedback}`)
  return [...lines, ...extra]
}

function transportOf(sdp: ParsedSdp, section: MediaSection, setup: 'active' | 'passive') {
  const lines = [`a=ice-ufrag:${either(sdp, section, 'ice-ufrag')}`, `a=ice-pwd:${either(sdp, section, 'ice-pwd')}`, 'a=ice-options:trickle']
  const fingerprint = either(sdp, section, 'fingerprint')
  if (fingerprint) lines.push(`a=fingerprint:${fingerprint}`)
  return [...lines, `a=setup:${setup}`]
}

const candidatesOf = (sdp: ParsedSdp) => {
  const lines = sdp.media.flatMap(section => section.lines.filter(line => line.startsWith('a=candidate:')))
  return [...new Set(lines)]
}

function sessionLines(origin: string | undefined, mids: string[]) {
  return ['v=0', origin ?? `o=- ${Date.now()} 1 IN IP4 0.0.0.0`, 's=-', 't=0 0', `a=group:BUNDLE ${mids.join(' ')}`, 'a=msid-semantic: WMS *']
}

const join = (lines: string[]) => `${lines.join('\r\n')}\r\n`

/**
 * The viewer's answer: for each of its sections, Janus's section of that kind (its codec, stream
 * and transport), under the viewer's mid. Sections Janus has no media for are refused (port 0).
 */
export function answerForViewer(viewerOffer: ParsedSdp, janusOffer: ParsedSdp): string {
  const used = new Set<MediaSection>()
  const sections = viewerOffer.media.map((section, index) => {
    const mid = attribute(section.lines, 'mid') ?? String(index)
    const janus = janusOffer.media.find(candidate => candidate.kind === section.kind && !used.has(candidate) && candidate.formats.length)
    const janusCodec = janus && codecsOf(janus)[0]
    const codec = janusCodec && codecsOf(section).find(own => own.payloadType === janusCodec.payloadType && own.name === janusCodec.name) ? janusCodec : undefined
    if (!janus || !codec) return { mid, lines: answerSection(section.kind, mid, undefined, [], 'inactive') }
    used.add(janus)
    const ssrc = attribute(janus.lines, 'ssrc')?.split(' ')[0]
    const stream = [`a=msid:${attribute(janus.lines, 'msid') ?? 'janus janus'}`, ...(ssrc ? [`a=ssrc:${ssrc} cname:janus`] : [])]
    const candidates = janus === janusOffer.media[0] ? [...candidatesOf(janusOffer), 'a=end-of-candidates'] : []
    return { mid, accepted: true, lines: answerSection(section.kind, mid, codec, transportOf(janusOffer, janus, 'passive'), 'sendonly', [...stream, ...candidates]) }
  })
  const accepted = sections.filter(section => section.accepted).map(section => section.mid)
  return join([...sessionLines(janusOffer.session.find(line => line.startsWith('o=')), accepted), ...sections.flatMap(section => section.lines)])
}

/** Janus's answer, on the viewer's behalf: the viewer's transport, receiving Janus's codec on Janus's mids. */
export function answerForJanus(janusOffer: ParsedSdp, viewerOffer: ParsedSdp): string {
  const used = new Set<MediaSection>()
  const sections = janusOffer.media.map((section, index) => {
    const mid = attribute(section.lines, 'mid') ?? String(index)
    const viewer = viewerOffer.media.find(candidate => candidate.kind === section.kind && !used.has(candidate))
    const codec = codecsOf(section)[0]
    const takes = viewer && codec && codecsOf(viewer).some(own => own.payloadType === codec.payloadType && own.name === codec.name)
    if (!viewer || !takes) return { mid, lines: answerSection(section.kind, mid, undefined, [], 'inactive') }
    used.add(viewer)
    const candidates = viewer === viewerOffer.media[0] ? candidatesOf(viewerOffer) : []
    return { mid, accepted: true, lines: answerSection(section.kind, mid, codec, transportOf(viewerOffer, viewer, 'active'), 'recvonly', candidates) }
  })
  const accepted = sections.filter(section => section.accepted).map(section => section.mid)
  return join([...sessionLines(undefined, accepted), ...sections.flatMap(section => section.lines)])
}

/** The mid Janus's candidates go under (its first bundled section). */
export const firstMid = (sdp: ParsedSdp) => attribute(sdp.media[0]?.lines ?? [], 'mid') ?? '0'
