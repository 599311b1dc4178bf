// Stand-ins for what happy-dom does not have (WebRTC, MediaRecorder) and for the live socket, each
// recording what the code under test did to it.
import { afterEach, beforeEach, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { ServerMessage } from '#shared/schemas/socket'
import type { LiveSocket } from '~/composables/useLiveSocket'
import type { ViewerVideo } from '~/composables/video/types'
import type { EarlyP2p } from '~/utils/early-p2p'
import { useVideoStore, type VideoPicture } from '~/stores/video'

/** A LiveSocket whose frames a test delivers with `receive` and reads back from `sent`. */
export function fakeSocket() {
  const handlers = new Map<string, Set<(message: ServerMessage) => void>>()
  const sent: Array<Record<string, unknown>> = []
  const socket = {
    sent,
    send: vi.fn((message: Record<string, unknown>) => {
      sent.push(message)
      return true
    }),
    on: (type: string, handler: (message: ServerMessage) => void) => {
      const set = handlers.get(type) ?? new Set()
      handlers.set(type, set)
      set.add(handler)
      return () => set.delete(handler)
    },
    receive(message: ServerMessage) {
      for (const handler of handlers.get(message.type) ?? []) handler(message)
    },
  }
  return socket as typeof socket & LiveSocket
}

export class FakePeerConnection {
  static all: FakePeerConnection[] = []
  connectionState: RTCPeerConnectionState = 'new'
  signalingState: RTCSignalingState = 'stable'
  // Host candidates are gathered at once here, so a WHIP/WHEP offer leaves without waiting.
  iceGatheringState: RTCIceGatheringState = 'complete'
  localDescription: RTCSessionDescriptionInit | null = null
  remoteDescription: RTCSessionDescriptionInit | null = null
  tracks: MediaStreamTrack[] = []
  offers: Array<RTCOfferOptions | undefined> = []
  candidates: RTCIceCandidateInit[] = []
  closed = false
  onicecandidate: ((event: { candidate: { toJSON(): RTCIceCandidateInit } | null }) => void) | null = null
  onconnectionstatechange: (() => void) | null = null
  senders: Array<{ track: MediaStreamTrack, replaceTrack: ReturnType<typeof vi.fn>, getParameters: () => { encodings: Array<{ maxBitrate?: number }> }, setParameters: ReturnType<typeof vi.fn> }> = []

  constructor(readonly config: RTCConfiguration) {
    FakePeerConnection.all.push(this)
  }

  addTrack(track: MediaStreamTrack) {
    this.tracks.push(track)
    const encodings = [{}] as Array<{ maxBitrate?: number }>
    this.senders.push({
      track,
      replaceTrack: vi.fn(async (next: MediaStreamTrack) => void (this.senders.find(sender => sender.track === track)!.track = next)),
      getParameters: () => ({ encodings }),
      setParameters: vi.fn(async (parameters: { encodings: Array<{ maxBitrate?: number }> }) => void encodings.splice(0, encodings.length, ...parameters.encodings)),
    })
  }

  getSenders() {
    return this.senders
  }

  transceivers: Array<{ kind: string, direction: string, sendEncodings?: RTCRtpEncodingParameters[] }> = []
  addTransceiver(trackOrKind: string | MediaStreamTrack, init: { direction: string, sendEncodings?: RTCRtpEncodingParameters[] }) {
    const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind
    this.transceivers.push({ kind, direction: init.direction, ...(init.sendEncodings ? { sendEncodings: init.sendEncodings } : {}) })
  }

  /** Video bytes this connection has received; a test moves it on as media arrives. */
  bytesReceived = 0
  /** ICE as its stats tell it: candidates of its own, and its checks (a test sets them for a network that blocks UDP). */
  ice = { ownCandidates: 1, pairs: 1, checksSent: 0, checksAnswered: 0 }
  async getStats() {
    return new Map<string, Record<string, unknown>>([
      ['outbound-video', { type: 'outbound-rtp', kind: 'video', bytesSent: 1000 }],
      ['inbound-video', { type: 'inbound-rtp', kind: 'video', bytesReceived: this.bytesReceived }],
      ...Array.from({ length: this.ice.ownCandidates }, (_, index) => [`local-${index}`, { type: 'local-candidate' }] as const),
      ...Array.from({ length: this.ice.pairs }, (_, index) => [`pair-${index}`, { type: 'candidate-pair', requestsSent: this.ice.checksSent, responsesReceived: this.ice.checksAnswered }] as const),
    ])
  }

  async createOffer(options?: RTCOfferOptions) {
    this.offers.push(options)
    return { type: 'offer' as const, sdp: `v=0 offer ${this.offers.length}` }
  }

  answers = 0
  ontrack: ((event: { streams: MediaStream[], track: MediaStreamTrack }) => void) | null = null

  async createAnswer() {
    this.answers++
    return { type: 'answer' as const, sdp: `v=0 answer ${this.answers}` }
  }

  async setLocalDescription(description?: RTCSessionDescriptionInit) {
    this.localDescription = description ?? null
    this.signalingState = description?.type === 'answer' ? 'stable' : 'have-local-offer'
  }

  async setRemoteDescription(description: RTCSessionDescriptionInit) {
    this.remoteDescription = description
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable'
  }

  async addIceCandidate(candidate: RTCIceCandidateInit) {
    this.candidates.push(candidate)
  }

  close() {
    this.closed = true
  }

  /** What it receives (none here: a test hands media over through ontrack). */
  getReceivers() {
    return [] as RTCRtpReceiver[]
  }

  /** What the browser does when ICE moves on. */
  become(state: RTCPeerConnectionState) {
    this.connectionState = state
    this.onconnectionstatechange?.()
  }
}

export function fakeTrack(kind: 'audio' | 'video', id = `${kind}-${Math.random()}`) {
  return { kind, id, enabled: true, stop: vi.fn(), getSettings: () => ({ deviceId: `${kind}-device` }) } as unknown as MediaStreamTrack
}

export function fakeStream(tracks = [fakeTrack('audio'), fakeTrack('video')]) {
  return {
    getTracks: () => tracks,
    getAudioTracks: () => tracks.filter(track => track.kind === 'audio'),
    getVideoTracks: () => tracks.filter(track => track.kind === 'video'),
  } as unknown as MediaStream
}

export class FakeMediaRecorder extends EventTarget {
  static all: FakeMediaRecorder[] = []
  static isTypeSupported = (type: string) => type.startsWith('video/webm;codecs=vp8')
  state: RecordingState = 'inactive'
  timeslice?: number
  ondataavailable: ((event: { data: Blob }) => void) | null = null

  constructor(readonly stream: MediaStream, readonly options: MediaRecorderOptions) {
    super()
    FakeMediaRecorder.all.push(this)
  }

  start(timeslice?: number) {
    this.state = 'recording'
    this.timeslice = timeslice
  }

  /** A chunk, as the browser hands one over every timeslice. */
  emit(text: string) {
    this.ondataavailable?.({ data: new Blob([text], { type: 'video/webm' }) })
  }

  stop() {
    this.state = 'inactive'
    this.emit('last')
    this.dispatchEvent(new Event('stop'))
  }
}

/** A request a WHIP/WHEP fake received. */
export interface SignalingRequest { method: string, url: string, body: string, contentType: string | null }

/**
 * A WHIP/WHEP endpoint as `fetch`: each POST is answered by `answer` (201 with a Location by
 * default); PATCH and DELETE get 204. Every request is kept in `requests`.
 */
export function fakeSignalingServer(
  answer: (post: SignalingRequest, index: number) => Response = (_, index) => new Response('v=0 answer', { status: 201, headers: { location: `/session/${index}` } }),
  /** The answer to a PATCH or DELETE: 204 unless given. */
  other: (request: SignalingRequest) => Response = () => new Response(null, { status: 204 }),
) {
  const requests: SignalingRequest[] = []
  let posts = 0
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    const request = { method: init.method ?? 'GET', url: String(url), body: String(init.body ?? ''), contentType: new Headers(init.headers).get('content-type') }
    requests.push(request)
    return request.method === 'POST' ? answer(request, posts++) : other(request)
  })
  vi.stubGlobal('fetch', fetch)
  return { requests, of: (method: string) => requests.filter(request => request.method === method) }
}

/** For a store test file: a fresh Pinia and FakePeerConnection as the browser's, before each test. */
export function withFakeWebRtc(options: { fakeTimers?: boolean } = {}) {
  beforeEach(() => {
    if (options.fakeTimers) vi.useFakeTimers()
    // A page of this site, so relative WHIP/WHEP addresses resolve as in the browser.
    ;(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL('http://localhost:3000/live/s1')
    setActivePinia(createPinia())
    FakePeerConnection.all = []
    vi.stubGlobal('RTCPeerConnection', FakePeerConnection)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })
}

/**
 * A customer's video made by `create` on a fresh picture, following the room as the live page has
 * it follow (the show not yet known live; `early`: what the page's p2p script made): its calls and
 * what its picture shows, in one object.
 */
export function viewerOf(create: (picture: VideoPicture) => ViewerVideo, early?: EarlyP2p) {
  const picture = useVideoStore()
  const video = create(picture)
  video.open({ live: false, early })
  return {
    start: () => video.start(),
    close: () => video.close(),
    get state() { return picture.state },
    get stream() { return picture.stream },
    get hlsUrl() { return picture.hlsUrl },
  }
}
