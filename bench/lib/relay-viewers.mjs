// A child process of bench/relay.mjs holding its share of the relay's viewers: each a werift
// connection that does the WHEP exchange (or, against bare Janus, Janus's own `watch`), ICE and
// DTLS like any viewer, then reads the RTP headers
// of what arrives without decrypting it (they travel in the clear inside SRTP): bitrate, frames,
// loss after its own NACKs, and each frame's arrival time for the delay. Light enough that a few
// hundred fit beside the server on two cores.
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { GenericNack, RtcpTransportLayerFeedback, SrtpAuthenticationError } from 'werift'
import { janusSession } from './bare-janus.mjs'
import { answerOffer, connected, negotiate, peer } from './werift-peers.mjs'

const VIDEO_PT = 96
/** A missing packet is asked for again this long after its gap was seen, and given up after the third ask. */
const NACK_AGAIN_MS = 60
const NACK_TRIES = 3
/** Packets still missing this close to the end of the window may only be late: not counted. */
const SETTLE_MS = 300

const now = () => performance.timeOrigin + performance.now()

/**
 * What the viewer's decrypt throws once it has read a packet's header, so werift drops the packet.
 * One instance for every packet: a new Error each time captured a stack trace per packet, a third
 * of the viewers' processes' CPU (their profile), load the server's box should not carry.
 */
const READ_NOT_DECRYPTED = new SrtpAuthenticationError('read, not decrypted')

/** One viewer's view of one SSRC: sequence numbers seen (unwrapped) and those it is waiting for. */
class Stream {
  highest = -1
  received = new Set()
  missing = new Map() // seq -> { since, tries }

  /** Records `seq`; answers the sequence numbers that a new gap leaves missing. */
  take(seq16, at) {
    const seq = this.unwrap(seq16)
    if (this.received.has(seq)) return []
    this.received.add(seq)
    this.missing.delete(seq)
    const gap = []
    if (this.highest >= 0 && seq > this.highest + 1) {
      for (let lost = this.highest + 1; lost < seq && gap.length < 500; lost++) {
        this.missing.set(lost, { since: at, tries: 1 })
        gap.push(lost)
      }
    }
    this.highest = Math.max(this.highest, seq)
    return gap
  }

  unwrap(seq16) {
    if (this.highest < 0) return seq16 + 0x10000
    const base = this.highest - (this.highest & 0xFFFF)
    let seq = base + seq16
    if (seq < this.highest - 0x8000) seq += 0x10000
    else if (seq > this.highest + 0x8000) seq -= 0x10000
    return seq
  }
}

/** Times a viewer told the show is full (503) asks again after its Retry-After, as the live page does. */
const PLACE_TRIES = 3

/** WHEP: the viewer offers to receive, the server answers; resolves to the session's URL. */
const whep = url => async (pc, viewer) => {
  pc.addTransceiver('video', { direction: 'recvonly' })
  pc.addTransceiver('audio', { direction: 'recvonly' })
  let session
  await negotiate(pc, async (offer) => {
    let response
    for (let tries = 1; ; tries++) {
      response = await fetch(url, { method: 'POST', body: offer, headers: { 'content-type': 'application/sdp' } })
      const retryAfter = Number(response.headers.get('retry-after'))
      if (response.status !== 503 || !retryAfter || tries === PLACE_TRIES) break
      viewer.waitedForPlace = true
      await response.body?.cancel()
      await sleep(retryAfter * 1000)
    }
    if (response.status !== 201) throw new Error(`WHEP ${response.status}: ${await response.text()}`)
    session = new URL(response.headers.get('location'), url)
    return response.text()
  })
  return session
}

/**
 * Whether the server still has a WHEP session, asked as the live page asks when its picture goes
 * silent: an end-of-candidates PATCH, 404 once the server ended it. A werift viewer need not notice
 * a session the server closed (it checks no consent), and would count as kept and starved.
 */
async function stillThere(session) {
  const fragment = 'm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=end-of-candidates\r\n'
  const response = await fetch(session, { method: 'PATCH', body: fragment, headers: { 'content-type': 'application/trickle-ice-sdpfrag' } }).catch(() => null)
  return response?.status !== 404
}

/** Bare Janus Streaming: Janus offers the mountpoint (`watch`), the viewer answers (`start`). */
const janusWatch = (session, mountpoint) => async (pc) => {
  const { ask } = await session.streaming()
  const { jsep } = await ask({ request: 'watch', id: mountpoint })
  const answer = await answerOffer(pc, jsep.sdp)
  await ask({ request: 'start' }, { type: 'answer', sdp: answer })
}

/** A viewer that `subscribe`s its peer connection (WHEP, or Janus's watch), then counts what arrives. */
function lightViewer(subscribe) {
  const pc = peer()
  const viewer = {
    pc, measuring: false, video: new Stream(), audio: new Stream(),
    bytes: 0, frames: 0, arrivals: new Map(), lostAfterNack: 0, nacksSent: 0, windowStart: 0, windowSeconds: 0,
    ssrcs: new Map(),
  }
  let dtls
  const sendNack = (ssrc, lost) => {
    viewer.nacksSent++
    dtls.sendRtcp([new RtcpTransportLayerFeedback({ feedback: new GenericNack({ senderSsrc: 1, mediaSourceSsrc: ssrc, lost }) })]).catch(() => {})
  }
  const onPacket = (data) => {
    const at = now()
    const pt = data[1] & 0x7F
    const seq = data.readUInt16BE(2)
    const timestamp = data.readUInt32BE(4)
    const ssrc = data.readUInt32BE(8)
    const isVideo = pt === VIDEO_PT
    const stream = isVideo ? viewer.video : viewer.audio
    viewer.ssrcs.set(isVideo ? 'video' : 'audio', ssrc)
    const gap = stream.take(seq, at)
    if (gap.length) sendNack(ssrc, gap.map(lost => lost & 0xFFFF))
    if (!viewer.measuring || !isVideo) return
    viewer.bytes += data.length
    const arrival = viewer.arrivals.get(timestamp)
    if (arrival) arrival.packets++
    else {
      viewer.arrivals.set(timestamp, { at, packets: 1 })
      viewer.frames++
    }
  }
  // Asks again for what is still missing, a few times, as a browser's NACK module does.
  const renack = setInterval(() => {
    const at = now()
    for (const kind of ['video', 'audio']) {
      const stream = viewer[kind]
      const again = []
      for (const [seq, state] of stream.missing) {
        if (at - state.since < NACK_AGAIN_MS * state.tries) continue
        if (state.tries >= NACK_TRIES) continue
        state.tries++
        again.push(seq & 0xFFFF)
      }
      if (again.length) sendNack(viewer.ssrcs.get(kind), again.slice(0, 200))
    }
  }, NACK_AGAIN_MS)
  viewer.start = async () => {
    viewer.session = await subscribe(pc, viewer)
    await connected(pc, 20_000)
    // A server that fell behind lets its newest viewers go (the relay's capacity): counted apart
    // from those it kept, whose picture is what overload must not take.
    pc.connectionStateChange.subscribe((state) => {
      if (state !== 'connected') viewer.letGo = true
    })
    dtls = pc.getTransceivers()[0].receiver.dtlsTransport
    // From here on nothing is decrypted: the header is read and the packet dropped, as werift
    // drops one that fails authentication.
    dtls.srtp.decrypt = (data) => {
      onPacket(data)
      throw READ_NOT_DECRYPTED
    }
  }
  viewer.measure = () => {
    viewer.measuring = true
    viewer.windowStart = now()
    viewer.video.received.clear()
    viewer.video.missing.clear()
    viewer.video.firstInWindow = viewer.video.highest + 1
  }
  viewer.finish = () => {
    const end = now()
    viewer.windowSeconds = (end - viewer.windowStart) / 1000
    const stream = viewer.video
    const expected = stream.highest - stream.firstInWindow + 1
    let lost = 0
    for (const [, state] of stream.missing) if (end - state.since > SETTLE_MS) lost++
    clearInterval(renack)
    return { expected, lost }
  }
  viewer.close = () => {
    clearInterval(renack)
    return pc.close()
  }
  return viewer
}

const viewers = []
/** The publisher's send time and packet count of each video frame (by RTP timestamp), from the parent. */
const sentAt = new Map()
/** How far this process's clock and the publisher's may differ: a few ms, more than a frame takes straight through Janus. */
const CLOCK_SKEW_MS = 100

/**
 * What to subtract from a viewer's timestamps to get the publisher's: 0 through the relay, which
 * keeps them; through Janus, which renumbers them from each forward's and viewer's first packet,
 * the difference at a key frame (the frame with the most packets), matched to the last key frame
 * the publisher sent before it arrived (they are 2 s apart, so any delay under 2 s is unambiguous).
 */
function timestampOffset(arrivals) {
  let matched = 0
  for (const timestamp of arrivals.keys()) if (sentAt.has(timestamp)) matched++
  if (matched > arrivals.size / 2) return 0
  const [keyTimestamp, key] = [...arrivals].reduce((best, entry) => (entry[1].packets > best[1].packets ? entry : best))
  const keyframes = [...sentAt.entries()].filter(([, [at, packets]]) => packets >= key.packets * 0.7 && at <= key.at + CLOCK_SKEW_MS)
  const last = keyframes.reduce((best, entry) => (!best || entry[1][0] > best[1][0] ? entry : best), undefined)
  return last ? (keyTimestamp - last[0] + 0x100000000) % 0x100000000 : 0
}

process.on('message', async (message) => {
  if (message.type === 'open') {
    // A viewer the relay could not take in time is counted as failed, not fatal: how many connect
    // at each size is part of what the run measures.
    let failed = 0
    let firstError
    // One Janus session per process, a handle per viewer, as a page would have its own.
    const session = message.janus && await janusSession(message.janus.url, message.janus.secret)
    const subscribe = session ? janusWatch(session, message.janus.mountpoint) : whep(message.whepUrl)
    // A viewer that did not connect opens a new session once, as the live page does when nothing arrives.
    let retried = 0
    const open = async (count, again) => {
      const batch = Array.from({ length: count }, () => lightViewer(subscribe))
      const started = await Promise.allSettled(batch.map(viewer => viewer.start()))
      let missing = 0
      started.forEach((outcome, index) => {
        if (outcome.status === 'fulfilled') return void viewers.push(batch[index])
        batch[index].close().catch(() => {})
        if (again) missing++
        else {
          failed++
          firstError ??= String(outcome.reason?.message ?? outcome.reason)
        }
      })
      if (missing) {
        retried += missing
        await open(missing, false)
      }
    }
    for (let from = 0; from < message.count; from += 10) await open(Math.min(10, message.count - from), true)
    const waited = viewers.filter(viewer => viewer.waitedForPlace).length
    process.send({ type: 'opened', count: viewers.length, failed, retried, waited, firstError })
  }
  else if (message.type === 'sent') {
    for (const [timestamp, at, packets] of message.frames) {
      const known = sentAt.get(timestamp)
      if (known) known[1] += packets
      else sentAt.set(timestamp, [at, packets])
    }
  }
  else if (message.type === 'measure') {
    for (const viewer of viewers) viewer.measure()
    process.send({ type: 'measuring' })
  }
  else if (message.type === 'finish') {
    // Which sessions the server still has: a viewer let go partway through the window had
    // received until then, and counted as kept (the chat run's "69 of 100 kept" with 52 let go).
    await Promise.all(viewers.filter(viewer => viewer.session && !viewer.letGo).map(async (viewer) => {
      if (!await stillThere(viewer.session)) viewer.letGo = true
    }))
    const results = viewers.map((viewer) => {
      const { expected, lost } = viewer.finish()
      const delays = []
      const offset = viewer.arrivals.size ? timestampOffset(viewer.arrivals) : 0
      for (const [timestamp, { at }] of viewer.arrivals) {
        const sent = sentAt.get((timestamp - offset + 0x100000000) % 0x100000000)
        if (sent !== undefined) delays.push(at - sent[0])
      }
      return {
        kbps: viewer.bytes * 8 / viewer.windowSeconds / 1000,
        fps: viewer.frames / viewer.windowSeconds,
        expected, lost, nacks: viewer.nacksSent, delays, letGo: !!viewer.letGo,
      }
    })
    // Exiting before a large message is flushed would lose it: wait for the send to complete.
    await new Promise(resolve => process.send({ type: 'results', results }, resolve))
    await Promise.all(viewers.map(viewer => viewer.close()))
    process.exit(0)
  }
})
// The benchmark ended (or died): so does this process.
process.on('disconnect', () => process.exit(0))
process.send({ type: 'ready' })
